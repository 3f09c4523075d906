package words

type store struct{ items map[string][]byte }

// Real: Put keeps k and v in s.items; the wrapper Registry.Put only forwards to it.
func (s *store) Put(k string, v []byte) { s.items[k] = v } // want: passes

// Registry promotes store's methods, through wrappers the compiler writes.
type Registry struct{ *store }

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{&store{items: map[string][]byte{}}} }
