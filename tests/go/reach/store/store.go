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

var copies = map[string][]byte{}

// KeepCopy keeps a copy of b, not b.
func KeepCopy(key string, b []byte) { copies[key] = append([]byte(nil), b...) } // want: leak-risk global-map EE0201

// Hooks are run at exit; other packages append to it.
var Hooks []func()

// Reset drops the hooks.
func Reset() { Hooks = nil }

// Names are the registered names; other packages append to it, and nothing here removes.
var Names []string

// Log keeps every buffer appended to it.
var Log [][]byte

// Append keeps b for good.
func Append(b []byte) { Log = append(Log, b) } // want: leak-risk global-slice EE0202
