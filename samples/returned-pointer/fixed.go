package returnedpointer

// MakePoint returns the value itself: it is copied into the caller's frame and stays on the stack.
func MakePoint(x, y int) Point {
	return Point{X: x, Y: y}
}

// DistanceValue uses a stack Point: no allocation at all.
func DistanceValue(x, y int) int {
	p := MakePoint(x, y)
	return p.X*p.X + p.Y*p.Y
}
