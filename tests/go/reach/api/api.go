// Package api hands its buffers to package store (shape 3): the allocation is here, the
// holder is store's package-level map.
package api

import (
	"example.com/reach/relay"
	"example.com/reach/store"
)

// Leak: a copy kept by store.Hold, which nothing releases.
func Archive(key string, payload []byte) {
	buf := make([]byte, len(payload))
	copy(buf, payload)
	store.Hold(key, buf) // want: leak-risk global-map EE0201
}

// Trap: kept by store.Keep, which store.Drop releases: retained.
func Save(key string, payload []byte) {
	buf := make([]byte, len(payload))
	copy(buf, payload)
	store.Keep(key, buf) // want: retained global-map EE0201
}

// Trap: store.Sum keeps nothing.
func Check(payload []byte) int {
	buf := make([]byte, len(payload))
	copy(buf, payload)
	return store.Sum(buf)
}

// Leak, two steps: through this package's wrapper to store.Hold.
func Pin(key string, payload []byte) {
	b := append([]byte(nil), payload...)
	remember(key, b) // want: leak-risk global-map EE0201
}

func remember(key string, b []byte) { store.Hold(key, b) } // want: leak-risk global-map EE0201

// Leak, three packages: api -> relay.Forward -> store.Hold.
func Relay(key string, payload []byte) {
	b := make([]byte, len(payload))
	copy(b, payload)
	relay.Forward(key, b) // want: leak-risk global-map EE0201
}

// Trap, three packages: api -> relay.ForwardKept -> store.Keep, which store.Drop releases.
func RelayKept(key string, payload []byte) {
	b := make([]byte, len(payload))
	copy(b, payload)
	relay.ForwardKept(key, b) // want: retained global-map EE0201
}

// Trap, three packages: relay.Peek keeps nothing.
func RelayPeek(payload []byte) int {
	b := make([]byte, len(payload))
	copy(b, payload)
	return relay.Peek(b)
}

// Leak, but of the key and a copy: store.KeepCopy keeps a copy of the buffer (this one is
// not kept) and the key, and store.copies grows with every key.
func SaveCopy(key string, payload []byte) {
	b := make([]byte, len(payload))
	copy(b, payload)
	store.KeepCopy(key, b) // want: leak-risk global-map EE0201
}
