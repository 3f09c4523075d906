// Package calc is a tiny library with internal and external tests.
package calc

// Acc accumulates values.
type Acc struct{ vals []int }

// NewAcc returns an empty accumulator.
func NewAcc() *Acc {
	return &Acc{} // want: "&Acc{} escapes to heap"
}

// Add appends a value: the receiver's content leaks (its slice is reused).
func (a *Acc) Add(v int) { // want: "leaking param content: a"
	// Since 1.25: append escapes to heap.
	a.vals = append(a.vals, v) // want(go1.25+): "append escapes to heap"
}

// Sum adds up the values: the receiver does not escape.
func (a *Acc) Sum() int { // want: "a does not escape"
	s := 0
	for _, v := range a.vals {
		s += v
	}
	return s
}
