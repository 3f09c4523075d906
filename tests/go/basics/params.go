package main

// identity returns its parameter: leaks to the first result at level 0.
func identity(p *Point) *Point { // want: "leaking param: p to result ~r0 level=0"
	return p
}

// deref returns what its parameter points to: leaks to the result at level 1.
func deref(pp **Point) *Point { // want: "leaking param: pp to result ~r0 level=1"
	return *pp
}

// pick returns one of two parameters through a named result.
func pick(a, b *Point) (best *Point) { // want: "leaking param: a to result best level=0" "leaking param: b to result best level=0"
	best = b
	if a.X > b.X {
		best = a
	}
	return best
}

// sum only reads through its parameter, which does not escape.
func sum(p *Point) int { // want: "p does not escape"
	return p.X + p.Y
}

// total reads a slice parameter, which does not escape.
func total(xs []int) int { // want: "xs does not escape"
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

var lastSeen *Point

// keepFirst stores an element of the slice globally: the slice's content
// leaks, the slice header does not.
func keepFirst(ps []*Point) { // want: "leaking param content: ps"
	lastSeen = ps[0]
}

// Queue demonstrates the self-assignment special case.
type Queue struct{ items []*Point }

// Drop reslices a field into itself, which escape analysis ignores.
func (q *Queue) Drop() { // want: "q does not escape"
	q.items = q.items[1:] // want: "(*Queue).Drop ignoring self-assignment in q.items = q.items[1:]"
}

// unnamed has parameters without names: with a body, nothing is reported
// for them (see lib.Peek for the body-less case).
func unnamed(*Point, *Point) {}

// useParams calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useParams() {
	// &b is stored globally by keepFirst: b is moved to the heap.
	a, b := Point{1, 2}, Point{3, 4} // want: "moved to heap: b"
	pa := &a
	_ = identity(&a)
	_ = deref(&pa)
	_ = pick(&a, &b)
	_ = sum(&a)
	_ = total([]int{1, 2, 3})           // want: "[]int{...} does not escape"
	keepFirst([]*Point{&b})             // want: "[]*Point{...} does not escape"
	q := Queue{items: []*Point{&a, &b}} // want: "[]*Point{...} does not escape"
	q.Drop()
	unnamed(&a, &b)
}
