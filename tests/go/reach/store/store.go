// Package store keeps byte buffers in package-level maps (shape 3): what another package of
// the module passes to Keep or Hold is kept there.
package store

var kept = map[string][]byte{}

// Keep stores b under key until Drop.
func Keep(key string, b []byte) { kept[key] = b } // want: retained global-map EE0201

// Drop releases a kept buffer.
func Drop(key string) { delete(kept, key) }

var forever = map[string][]byte{}

// Hold stores b for good.
func Hold(key string, b []byte) { forever[key] = b } // want: leak-risk global-map EE0201

// Len is how many buffers are held.
func Len() int { return len(kept) + len(forever) }

// Sum reads b and keeps nothing.
func Sum(b []byte) (n int) {
	for _, c := range b {
		n += int(c)
	}
	return n
}
