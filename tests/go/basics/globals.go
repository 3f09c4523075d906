package main

// Package-level containers: anything stored in them outlives the call.
var (
	// A package-level map literal is heap allocated.
	registry = map[string]*Point{} // want: "map[string]*Point{} escapes to heap"
	history  []*Point
	events   = make(chan *Point, 4)
)

// register writes into a package-level map: both key and value leak.
func register(name string, p *Point) { // want: "leaking param: name" "leaking param: p"
	registry[name] = p
}

// remember appends to a package-level slice.
func remember(p *Point) { // want: "leaking param: p"
	history = append(history, p) // want(go1.25+): "append escapes to heap"
}

// publish sends a pointer on a channel, which always leaks it.
func publish(p *Point) { // want: "leaking param: p"
	events <- p
}

// localAppend appends to a slice that never leaves the function.
func localAppend() int {
	var xs []int
	// Since 1.25 the append itself is reported (append does not escape).
	xs = append(xs, 1, 2, 3) // want(go1.25+): "append does not escape"
	return len(xs)
}

// grow returns the result of append, so the appendee leaks to the result.
func grow(xs []int, v int) []int { // want: "leaking param: xs to result ~r0 level=0"
	// Since 1.25: append escapes to heap.
	return append(xs, v) // want(go1.25+): "append escapes to heap"
}

// useGlobals calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useGlobals() {
	register("origin", &Point{}) // want: "&Point{} escapes to heap"
	remember(&Point{X: 1})       // want: "&Point{...} escapes to heap"
	publish(&Point{Y: 1})        // want: "&Point{...} escapes to heap"
	_ = localAppend()
	_ = grow(nil, 1)
}
