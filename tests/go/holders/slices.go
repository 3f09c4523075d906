package holders

// Leak: an audit trail appended to on every call and never trimmed.
var audit []*Session

func Audit(s *Session) { // want: leak-risk global-slice
	audit = append(audit, s) // want(go1.25+): leak-risk global-slice
}

// Trap: a batch that is flushed and truncated.
var batch []*Item

func Add(it *Item) { // want: retained global-slice
	batch = append(batch, it) // want(go1.25+): retained global-slice
}

func Flush(write func([]*Item)) {
	write(batch)
	batch = batch[:0]
}
