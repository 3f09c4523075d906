package profiles

// Session is what Open keeps for each id.
type Session struct {
	ID  int
	Buf []byte
}

// sessions is filled by Open and never emptied: it grows with every new id.
var sessions = map[int]*Session{}

// Open keeps a 4 KiB session per id, forever.
func Open(id int) *Session {
	s := &Session{ID: id, Buf: make([]byte, 4096)}
	sessions[id] = s
	return s
}
