package holders

// Leak: an audit trail appended to on every call and never trimmed.
var audit []*Session

func Audit(s *Session) {
	audit = append(audit, s) // want: leak-risk global-slice EE0202
}

// Trap: a batch that is flushed and truncated.
var batch []*Item

func Add(it *Item) {
	batch = append(batch, it) // want: retained global-slice EE0202
}

func Flush(write func([]*Item)) {
	write(batch)
	batch = batch[:0]
}
