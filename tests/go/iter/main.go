// Command iter uses range-over-func loops, whose compiler-generated state
// variables (#next, #state1, ...) show up in the escape-analysis output.
package main

import (
	"fmt"
	"iter"
	"slices"
)

// Count yields 0..n-1. The returned iterator closure escapes; the yield
// callback it receives does not.
func Count(n int) iter.Seq[int] {
	return func(yield func(int) bool) { // want: "func literal escapes to heap" "yield does not escape"
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

// Pairs yields index/value pairs of a slice; the captured slice leaks.
func Pairs(xs []string) iter.Seq2[int, string] { // want: "leaking param: xs"
	return func(yield func(int, string) bool) { // want: "func literal escapes to heap" "yield does not escape"
		for i, x := range xs {
			if !yield(i, x) {
				return
			}
		}
	}
}

// sumTo ranges over a function iterator and breaks early.
func sumTo(limit int) int {
	// Updated from the loop body, which is compiled into a closure that is
	// passed to the iterator: moved to the heap.
	total := 0 // want: "moved to heap: total"
	// The body closure escapes, and so does the loop state #state1. The
	// iterator's #next flag is also moved to the heap, on a line of its own
	// without any position.
	for v := range Count(100) { // want: "func literal escapes to heap" "moved to heap: #state1"
		if v > limit {
			break
		}
		total += v
	}
	return total
}

// firstLong returns from inside a range-over-func loop: the pending return
// value #rv1 is reported at the result type, and s (a parameter of the body
// closure) leaks because it is stored into #rv1.
func firstLong(xs []string) string { // want: "leaking param: xs" "moved to heap: #rv1"
	for _, s := range Pairs(xs) { // want: "func literal escapes to heap" "leaking param: s" "moved to heap: #state1"
		if len(s) > 3 {
			return s
		}
	}
	return ""
}

// collect ranges over a standard-library iterator.
func collect(xs []int) []int { // want: "leaking param: xs"
	// Appended to from the body closure: moved to the heap.
	var out []int // want: "moved to heap: out"
	// slices.All's own closure is reported with its GOROOT path.
	for _, v := range slices.All(xs) { // want: "func literal escapes to heap" "moved to heap: #state1"
		// Since 1.25: append escapes to heap.
		out = append(out, v*2) // want(go1.25+): "append escapes to heap"
	}
	return out
}

func main() {
	// Every argument is boxed for fmt.Println, and the literals passed to
	// functions whose parameters leak escape too.
	fmt.Println(sumTo(10), firstLong([]string{"a", "long"}), collect([]int{1, 2})) // want: "... argument does not escape" "[]int{...} escapes to heap" "[]string{...} escapes to heap" "collect([]int{...}) escapes to heap" "firstLong([]string{...}) escapes to heap" "sumTo(10) escapes to heap"
}
