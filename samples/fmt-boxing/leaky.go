// Package fmtboxing shows an int boxed into an interface by fmt.Println.
package fmtboxing

import "fmt"

// PrintCount passes n to fmt.Println: n is boxed into an interface value and escapes to the heap.
func PrintCount(n int) {
	fmt.Println(n)
}
