package holders

import "bytes"

// Leak: eight bytes of the body are kept, and with them the body's whole backing array.
var prefixes = map[string][]byte{}

func KeepPrefix(name string, body []byte) {
	prefixes[name] = body[:8] // want: leak-risk subslice EE0207
}

// Leak: the same through a package-level variable.
var lastHeader []byte

func KeepHeader(body []byte) {
	lastHeader = body[:16] // want: leak-risk subslice EE0207
}

// Trap: the bytes are copied before they are kept: the body can be freed.
var lastCopy []byte

func KeepCopy(body []byte) { // want: passes EE0001
	lastCopy = bytes.Clone(body[:16])
}

// Trap: a value returned to the caller is on the heap, and nothing else holds it.
func NewSession(id string) *Session {
	return &Session{ID: id} // want: heap EE0101
}
