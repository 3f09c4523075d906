package main

import "unsafe"

// addrOf turns a pointer into an integer; the pointer does not escape.
func addrOf(p *Point) uintptr { // want: "p does not escape"
	return uintptr(unsafe.Pointer(p))
}

// view aliases a byte slice as a string without copying.
func view(b []byte) string { // want: "leaking param: b to result ~r0 level=0"
	return unsafe.String(&b[0], len(b))
}

// pin keeps the object behind each uintptr argument alive during the call:
// the parameter is marked as an escaping uintptr.
//
//go:uintptrescapes
func pin(u uintptr) {} // want: "marking u as escaping uintptr"

// useUnsafe calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useUnsafe() {
	_ = addrOf(&Point{})   // want: "&Point{} does not escape"
	_ = view([]byte("ab")) // want: "([]byte)(\"ab\") does not escape" want(go1.22+): "zero-copy string->[]byte conversion"
	// Its address goes through a //go:uintptrescapes call: moved to the heap.
	x := 5 // want: "moved to heap: x"
	pin(uintptr(unsafe.Pointer(&x)))
}
