// Package registry is imported by app, so go test compiles it twice: plainly for app's test
// binary and again with its own test files, as `registry [registry.test]`.
package registry

import (
	"sync"
	"time"
)

// Registry counts names.
type Registry struct {
	mu     sync.Mutex
	counts map[string]int
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{counts: map[string]int{}}
}

// Add counts a name.
func (r *Registry) Add(name string) {
	r.mu.Lock()
	r.counts[name]++
	r.mu.Unlock()
}

// Count says how often a name was added.
func (r *Registry) Count(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[name]
}

// Keys is generic: the compiler reports on it in every package that instantiates it (app,
// and the registry's own tests), at this file's lines.
func Keys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Leak: every call starts a sweeper that never ends, and it keeps its registry for good.
func Watch(r *Registry) {
	go func() {
		for {
			time.Sleep(time.Minute)
			r.mu.Lock()
			clear(r.counts)
			r.mu.Unlock()
		}
	}()
}
