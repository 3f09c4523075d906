package api

import (
	"example.com/reach/relay"
	"example.com/reach/store"
)

// Trap: appended to another package's exported slice in init: once.
func init() {
	store.Names = append(store.Names, "api")
}

// Leak: appended to another package's exported slice per call, and nothing in that package
// removes from it.
func Name(n string) {
	s := n + "!"
	store.Names = append(store.Names, s) // want: leak-risk global-slice EE0202
}

// Trap: appended to another package's slice that package resets.
func Hook(f func()) {
	store.Hooks = append(store.Hooks, f) // want: retained global-slice EE0202
}

// Leak, three packages through a helper: api -> relay.ForwardAll -> hold -> store.Hold.
func RelayAll(key string, payload []byte) {
	b := make([]byte, len(payload))
	copy(b, payload)
	relay.ForwardAll(key, [][]byte{b}) // want: leak-risk global-map EE0201
}

// Leak: a copy kept by store.Append, which nothing truncates.
func Journal(payload []byte) {
	b := append([]byte(nil), payload...)
	store.Append(b) // want: leak-risk global-slice EE0202
}
