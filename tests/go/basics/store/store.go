// Package store holds generic code instantiated by the main package, plus a
// non-generic type reported in this package itself.
package store

// Stack is a generic LIFO stack.
type Stack[T any] struct{ items []T }

// Push adds an element.
func (s *Stack[T]) Push(v T) {
	s.items = append(s.items, v) // want(go1.25+): "append escapes to heap"
}

// Pop removes the top element.
func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1] // want: "store.(*Stack[go.shape.*uint8]).Pop ignoring self-assignment in store.s.items = store.s.items[:len(store.s.items) - 1]"
	return v, true
}

// Map applies f to every element.
func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs)) // want: "make([]go.shape.struct { X int; Y int }, 0, len(store.xs)) escapes to heap"
	for _, x := range xs {
		out = append(out, f(x)) // want(go1.25+): "append escapes to heap"
	}
	return out
}

// Index is a non-generic map wrapper.
type Index struct{ m map[string]int }

// NewIndex allocates an Index and its map.
func NewIndex() *Index {
	return &Index{m: map[string]int{}} // want: "&Index{...} escapes to heap" "map[string]int{} escapes to heap"
}

// Add stores a key.
func (ix *Index) Add(k string, v int) { // want: "ix does not escape" "leaking param: k"
	ix.m[k] = v
}
