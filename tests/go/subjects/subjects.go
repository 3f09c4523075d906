// Package subjects holds values the compiler names in its own terms, which the report must name
// as the source writes them: the array append grows ("append"), a call in generic code (placed
// at its parenthesis, printed with shape types), a closure ("func literal", "F.func1"), a
// goroutine's closure, the slice of a variadic call's arguments ("... argument"), a temporary
// (".autotmp_3"), and constants converted to a basic type. Expected findings are trailing
// comments: "want:" with the verdict and the code.
package subjects

import (
	"errors"
	"fmt"
)

// Grow returns the array append grows: "the backing array of `keys`" (reported since Go 1.25).
func Grow(keys []string, k string) []string {
	keys = append(keys, k) // want(go1.25+): heap EE0101
	return keys
}

// Stack is a generic stack: its instantiations print `make([]go.shape.int, 0, n)`.
type Stack[T any] struct{ items []T }

// NewStack places the call at its parenthesis in every instantiation; since Go 1.25 a make
// whose size is not constant is no longer on the heap for its size alone.
func NewStack[T any](n int) *Stack[T] {
	return &Stack[T]{items: make([]T, 0, n)} // want: heap EE0101 want(go1.25+): heap EE0107 want(go1.21-go1.24): heap EE0105
}

// Ints instantiates Stack.
func Ints() *Stack[int] { return NewStack[int](8) }

// Later returns a closure: "the closure at line N in `Later`".
func Later(n int) func() int {
	return func() int { return n } // want: heap EE0101
}

// Run starts a goroutine: its closure is on the heap because it runs as one.
func Run(done chan<- int, n int) {
	go func() { // want: heap EE0103
		done <- n
	}()
}

// Each calls f for each item: its closure's parameter is "not kept by the closure at line N".
func Each(items []string, f func(string)) {
	for _, it := range items {
		f(it)
	}
}

// Print passes items to a closure, which boxes them for Println: the slice of `...` arguments.
func Print(items []string) {
	Each(items, func(s string) {
		fmt.Println(s, len(s))
	})
}

// Describe boxes the result of a method called on a temporary the compiler names .autotmp.
func Describe(err error) string {
	return fmt.Sprint(errors.Unwrap(err).Error()) // want: heap EE0106
}

// Version boxes constants: nothing is allocated.
func Version() string {
	return fmt.Sprint(uint64(1), float64(2.5), "v") // want: stack EE0002 want: stack EE0001
}
