package main

import "example.com/fixtures/basics/store"

// useGenerics instantiates the generic code of package store; its
// diagnostics are reported here, with store's file positions.
// The generic instances' parameters get no leak lines of their own, and the
// self-assignment in Pop is reported with the shape-instantiated name.
func useGenerics() {
	var s store.Stack[*Point]
	s.Push(&Point{}) // want: "&Point{} escapes to heap"
	_, _ = s.Pop()
	_ = store.Map([]int{1, 2}, func(i int) Point { return Point{X: i} }) // want: "[]int{...} does not escape" "func literal does not escape"
	idx := store.NewIndex()
	idx.Add("a", 1)
}
