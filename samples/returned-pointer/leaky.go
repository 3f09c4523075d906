// Package returnedpointer shows that a value moved to the heap is not a leak.
package returnedpointer

// Point is a small value type.
type Point struct{ X, Y int }

// NewPoint returns a pointer to a local: p moves to the heap, and the GC frees it once the caller drops it.
func NewPoint(x, y int) *Point {
	p := Point{X: x, Y: y}
	return &p
}

// Distance uses a heap Point and keeps nothing: after it returns the Point is garbage.
func Distance(x, y int) int {
	p := NewPoint(x, y)
	return p.X*p.X + p.Y*p.Y
}
