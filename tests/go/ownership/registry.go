package ownership

// Registry maps names to items. Whoever holds the Registry holds its items.
type Registry struct{ m map[string]*Item }

// NewRegistry returns an empty registry owned by the caller.
func NewRegistry() *Registry {
	return &Registry{m: map[string]*Item{}}
}

// Trap: Put stores into the registry it is called on, which the caller owns.
func (r *Registry) Put(k string, it *Item) {
	r.m[k] = it
}

// defaultRegistry is the package's registry; it lives as long as the process.
var defaultRegistry = &Registry{m: map[string]*Item{}}

// Leak: the package-level Put stores into the default registry's map and nothing deletes.
func Put(k string, it *Item) {
	defaultRegistry.m[k] = it // want: leak-risk global-map EE0201
}
