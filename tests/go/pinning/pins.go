package pinning

import "strings"

// keep maps a key to the first bytes of its buffer.
var keep = map[string][]byte{}

// Leak: the sub-slice goes through a local before it is stored; it still pins all of buf.
func KeepHead(k string, buf []byte) {
	s := buf[:16]
	keep[k] = s // want: leak-risk subslice EE0207
}

// heads holds the first characters of every body seen.
var heads []string

// Leak: string(body) copies the body once, and str[:8] pins that whole copy.
func KeepTitle(body []byte) {
	str := string(body)
	heads = append(heads, str[:8]) // want: leak-risk subslice EE0207
}

// firsts holds the first field of every record.
var firsts []string

// Leak: the fields from strings.Split are substrings of body, so parts[0] pins all of body.
func KeepFirstField(body string) {
	parts := strings.Split(body, ",")
	firsts = append(firsts, parts[0]) // want: leak-risk subslice EE0207
}

// recentHeads is bounded: an entry is deleted before a new one is added past 64.
var recentHeads = map[string][]byte{}

// Leak: the delete caps the number of entries, but each kept entry still pins a whole buffer.
func Remember(k string, buf []byte) {
	if len(recentHeads) >= 64 {
		for old := range recentHeads {
			delete(recentHeads, old)
			break
		}
	}
	recentHeads[k] = buf[:32] // want: leak-risk subslice EE0207
}

// tracker is the package's running state.
type tracker struct {
	last  []byte
	count int
}

var state tracker

// Leak: a field of a package-level struct keeps four bytes and with them all of buf.
func Observe(buf []byte) {
	state.last = buf[:4] // want: leak-risk subslice EE0207
	state.count++
}

// recent is a ring of the last 16 prefixes.
var recent [16][]byte

// Leak: an array slot of a package-level array pins the buffer behind each prefix.
func Sample(i int, buf []byte) {
	recent[i%16] = buf[:8] // want: leak-risk subslice EE0207
}
