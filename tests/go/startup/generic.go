package startup

import (
	"reflect"
	"sync"
)

// kinds caches one description per type argument.
var kinds sync.Map

// Kind describes a type argument.
type Kind[T any] struct{}

// Trap: Describe takes no values, only its type argument: one entry per instantiation.
func (Kind[T]) Describe() *string {
	var zero T
	t := reflect.TypeOf(&zero).Elem()
	if v, ok := kinds.Load(t); ok {
		return v.(*string)
	}
	s := t.String()
	v, _ := kinds.LoadOrStore(t, &s) // want: retained global-map EE0201
	return v.(*string)
}

// names caches descriptions by name.
var names sync.Map

// Leak: the key is a value the caller passes: one entry per distinct name, for good.
func (Kind[T]) Named(name string) *string {
	s := name + "!"
	v, _ := names.LoadOrStore(name, &s) // want: leak-risk global-map EE0201
	return v.(*string)
}

// Instantiations so the compiler reports the generic code.
var (
	_ = Kind[int]{}.Describe()
	_ = Kind[string]{}.Named("x")
)
