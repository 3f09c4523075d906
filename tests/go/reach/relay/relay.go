// Package relay passes buffers on to package store (shape 3, three packages): what api hands
// to Forward is kept by store.Hold; what it hands to ForwardKept, by store.Keep until Drop.
package relay

import "example.com/reach/store"

// Forward keeps b for good, through store.Hold.
func Forward(key string, b []byte) { store.Hold(key, b) } // want: leak-risk global-map EE0201

// ForwardKept keeps b until store.Drop.
func ForwardKept(key string, b []byte) { store.Keep(key, b) } // want: retained global-map EE0201

// Peek reads b and keeps nothing.
func Peek(b []byte) int { return store.Sum(b) }

// ForwardAll keeps every buffer for good, through a helper of this package.
func ForwardAll(key string, bs [][]byte) {
	for _, b := range bs {
		hold(key, b) // want: leak-risk global-map EE0201
	}
}

func hold(k string, b []byte) { store.Hold(k, b) } // want: leak-risk global-map EE0201
