// Package lib stands for a dependency the report does not analyse (a module of its own, which
// `go build ./...` of the main module does not compile): its registries keep what they are
// given, which only escape-explain.toml can tell the tool.
package lib

import "sync"

var (
	mu       sync.Mutex
	handlers = map[string]any{}
)

// Register keeps v for the life of the process, under name.
func Register(name string, v any) {
	mu.Lock()
	defer mu.Unlock()
	handlers[name] = v
}

var labels = map[any]int{}

// Tag keeps v for the life of the process; it only counts label.
func Tag(label any, v any) {
	mu.Lock()
	defer mu.Unlock()
	labels[label]++
	handlers[fmtKey(label)] = v
}

func fmtKey(label any) string {
	if s, ok := label.(string); ok {
		return s
	}
	return "?"
}

// Registry keeps what is added until it is removed.
type Registry struct {
	mu      sync.Mutex
	entries map[string]any
}

func NewRegistry() *Registry { return &Registry{entries: map[string]any{}} }

func (r *Registry) Add(name string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries[name] = v
}

func (r *Registry) Put(name string, v any) { r.Add(name, v) }

func (r *Registry) Remove(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.entries, name)
}
