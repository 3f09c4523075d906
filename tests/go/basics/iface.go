package main

import "fmt"

// show passes an int to fmt: the int is boxed into an interface.
func show(x int) {
	// The variadic slice stays on the stack; x is boxed (x escapes to heap).
	fmt.Println(x) // want: "... argument does not escape" "x escapes to heap"
}

// showPoint passes a struct by value to fmt.Printf.
func showPoint(p Point) {
	// Each field is boxed separately.
	fmt.Printf("%d,%d\n", p.X, p.Y) // want: "... argument does not escape" "p.X escapes to heap" "p.Y escapes to heap"
}

var anySink any

// box stores an int in a package-level interface.
func box(x int) {
	// Boxing for a global interface: reported on the name.
	anySink = x // want: "x escapes to heap"
}

// label formats into a string; the argument slice does not escape.
func label(n int) string {
	// Even a string constant is boxed when passed as an interface.
	return fmt.Sprint("n=", n) // want: "\"n=\" escapes to heap" "... argument does not escape" "n escapes to heap"
}

var saved []*Point

// keepAll retains its whole variadic slice: leaking param.
func keepAll(ps ...*Point) { // want: "leaking param: ps"
	saved = ps
}

// countAll only reads its variadic slice: does not escape.
func countAll(ps ...*Point) int { // want: "ps does not escape"
	return len(ps)
}

// useIface calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useIface() {
	show(1)
	showPoint(Point{})
	box(2)
	_ = label(3)
	// The implicit variadic slice escapes, with everything in it.
	keepAll(&Point{}, new(Point)) // want: "&Point{} escapes to heap" "... argument escapes to heap" "new(Point) escapes to heap"
	// Here the implicit variadic slice stays on the stack.
	_ = countAll(nil, nil) // want: "... argument does not escape"
}
