package copies

import (
	"fmt"
	"strconv"
	"strings"
)

// lastErr keeps the text of the last failure.
var lastErr string

// Trap: Sprintf formats v into a new string; lastErr keeps that string, not v.
func Fail(v *Big) {
	lastErr = fmt.Sprintf("%v", v)
}

// errs collects every error and is never trimmed.
var errs []error

// Trap for v, leak for the errors: errs grows per call, but holds new errors that copy v.N, not v.
func Record(v *Big) {
	errs = append(errs, fmt.Errorf("bad %d", v.N)) // want: leak-risk global-slice EE0202
}

// names caches the decimal form of ids and is never pruned.
var names = map[int]string{}

// Trap for the argument, leak for the map: Itoa makes a new string, but names grows per new id.
func Name(id int) string {
	names[id] = strconv.Itoa(id) // want: leak-risk global-map EE0201
	return names[id]
}

// notes collects names; it is reset when it gets large.
var notes strings.Builder

// Trap: WriteString copies the bytes of s.Name into the builder; s is not kept.
func Note(s *Big) {
	if notes.Len() > 1<<16 {
		notes.Reset()
	}
	notes.WriteString(s.Name)
}

// last keeps the most recent message.
var last string

// Trap: string(b) copies b; last keeps only that copy, and the next call replaces it.
func Keep(b []byte) {
	last = string(b) // want: retained global-var EE0203
}
