package main

import "sync"

// counter returns a closure that updates a captured variable.
func counter() func() int {
	// Captured by reference by a closure that escapes: moved to the heap.
	n := 0 // want: "moved to heap: n"
	// The closure is returned, so the func literal escapes; -m=2 shows
	// "capturing by ref: n".
	return func() int { // want: "func literal escapes to heap"
		n++
		return n
	}
}

// adder captures a small, never reassigned parameter: captured by value.
func adder(x int) func(int) int {
	// Returned closure: escapes; -m=2 shows "capturing by value: x".
	return func(y int) int { return x + y } // want: "func literal escapes to heap"
}

// applyLocal calls a closure only inside the function.
func applyLocal(xs []int) int { // want: "xs does not escape"
	acc := 0
	// A func literal that does not escape; acc stays on the stack.
	add := func(v int) { acc += v } // want: "func literal does not escape"
	for _, x := range xs {
		add(x)
	}
	return acc
}

// worker is started as a goroutine with arguments. p is only written
// through; wg is used by the deferred call, which makes it leak.
func worker(p *Point, wg *sync.WaitGroup) { // want: "leaking param: wg" "p does not escape"
	defer wg.Done()
	p.X++
}

// spawn starts a goroutine with arguments (a go/defer wrapper closure).
func spawn() {
	// &wg is handed to the goroutine: wg is moved to the heap.
	var wg sync.WaitGroup // want: "moved to heap: wg"
	// A literal passed to a goroutine escapes.
	p := &Point{1, 2} // want: "&Point{...} escapes to heap"
	wg.Add(1)
	// Compiled as a wrapper closure (gowrap) that only -m=2 explains.
	go worker(p, &wg)
	wg.Wait()
}

// deferOnce defers a closure at function level: it does not escape.
func deferOnce(p *Point) { // want: "p does not escape"
	// A top-level deferred closure does not escape.
	defer func() { p.X = 0 }() // want: "func literal does not escape"
	p.Y = 1
}

// deferLoop defers inside a loop: each deferred closure escapes.
func deferLoop(n int) int {
	// Captured by reference by escaping closures: moved to the heap.
	count := 0 // want: "moved to heap: count"
	for i := 0; i < n; i++ {
		// A deferred closure inside a loop escapes.
		defer func() { count++ }() // want: "func literal escapes to heap"
	}
	return count
}

// Counter has a pointer method used as a method value.
type Counter struct{ n int }

// Inc increments the counter; the receiver does not escape.
func (c *Counter) Inc() { c.n++ } // want: "c does not escape"

var hooks []func()

// hook stores a method value globally: the method value escapes.
func hook() {
	// The receiver escapes with the method value.
	c := &Counter{} // want: "&Counter{} escapes to heap"
	// The method value escapes, and so does the append (reported since 1.25).
	hooks = append(hooks, c.Inc) // want: "c.Inc escapes to heap" want(go1.25+): "append escapes to heap"
}

// callLocal uses a method value locally.
func callLocal() int {
	var c Counter
	// A method value used locally does not escape.
	f := c.Inc // want: "c.Inc does not escape"
	f()
	return c.n
}

// useClosures calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useClosures() {
	_ = counter()
	_ = adder(1)
	_ = applyLocal([]int{1, 2}) // want: "[]int{...} does not escape"
	spawn()
	deferOnce(&Point{}) // want: "&Point{} does not escape"
	_ = deferLoop(2)
	hook()
	_ = callLocal()
}
