package main

// Point is a small value type used throughout the fixtures.
type Point struct{ X, Y int }

// newInt returns the address of a local, so the local itself is heap allocated.
func newInt() *int {
	// The local is reported as moved to the heap, at its declaration.
	x := 42 // want: "moved to heap: x"
	return &x
}

// newPoint returns a composite literal by address: the literal escapes.
func newPoint(x, y int) *Point {
	// The literal escapes because it is returned.
	return &Point{X: x, Y: y} // want: "&Point{...} escapes to heap"
}

// localPoint takes the address of a literal that never leaves the function.
func localPoint() int {
	// The literal stays on the stack.
	p := &Point{1, 2} // want: "&Point{...} does not escape"
	return p.X + p.Y
}

// newCounter returns new(T), which escapes.
func newCounter() *int {
	// new(T) escapes through the result.
	return new(int) // want: "new(int) escapes to heap"
}

// scratch uses new(T) only locally.
func scratch() int {
	// new(T) stays on the stack.
	p := new(Point) // want: "new(Point) does not escape"
	p.X = 3
	return p.X
}

// smallMake uses a constant-size make locally.
func smallMake() int {
	// A small constant-size make stays on the stack.
	b := make([]int, 8) // want: "make([]int, 8) does not escape"
	b[0] = 1
	return b[0] + len(b)
}

// keptMake returns its make, so it escapes.
func keptMake() []int {
	// The make escapes through the result.
	return make([]int, 4) // want: "make([]int, 4) escapes to heap"
}

// useReturns calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useReturns() {
	_ = newInt()
	_ = newPoint(1, 2)
	_ = localPoint()
	_ = newCounter()
	_ = scratch()
	_ = smallMake()
	_ = keptMake()
}
