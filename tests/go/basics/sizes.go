package main

// bigMake makes a constant-size slice above the 64 KiB implicit limit.
func bigMake() int {
	// Implicit allocations above 64 KiB always escape.
	b := make([]byte, 100000) // want: "make([]byte, 100000) escapes to heap"
	return len(b)
}

// bigArray declares a 1 MiB array: on the stack before Go 1.24, on the heap
// since (the explicit-variable limit went from 10 MiB to 128 KiB).
func bigArray() byte {
	var a [1 << 20]byte // want(go1.24+): "moved to heap: a"
	a[1] = 1
	return a[1]
}

// foldedMake uses a constant expression as the size: Go 1.21 prints it as
// written, later versions print the folded value.
func foldedMake() int {
	b := make([]byte, 1<<10) // want(go1.21-1.21): "make([]byte, 1 << 10) does not escape" want(go1.22+): "make([]byte, 1024) does not escape"
	return len(b)
}

// dynMake uses a non-constant size: forced to the heap before Go 1.25,
// a stack buffer since.
func dynMake(n int) int {
	b := make([]byte, n) // want(go1.21-1.24): "make([]byte, n) escapes to heap" want(go1.25+): "make([]byte, n) does not escape"
	return len(b)
}

// empties makes a slice of zero-sized elements with a non-constant length.
func empties(n int) int {
	// Always escapes; the -m=2 reason changed in 1.25.
	s := make([]struct{}, n) // want: "make([]struct {}, n) escapes to heap"
	return len(s)
}

// useSizes calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useSizes() {
	_ = bigMake()
	_ = bigArray()
	_ = foldedMake()
	_ = dynMake(3)
	_ = empties(3)
}
