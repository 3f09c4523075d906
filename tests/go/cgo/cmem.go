// Package cmem moves data between Go and C memory with cgo.
package cmem

/*
#include <stdlib.h>
#include <string.h>

static size_t c_len(const char *s) { return strlen(s); }
*/
import "C"

import "unsafe"

// Len copies a Go string into C memory and measures it there. s is copied
// by C.CString, so it does not escape.
func Len(s string) int { // want: "s does not escape"
	cs := C.CString(s)
	// cgo turns a deferred C call into an outer closure, called at once (does
	// not escape), that returns the deferred closure (escapes).
	defer C.free(unsafe.Pointer(cs)) // want: "func literal does not escape" "func literal escapes to heap"
	return int(C.c_len(cs))
}

// RoundTrip copies a string to C and back into a Go byte slice.
func RoundTrip(s string) []byte { // want: "s does not escape"
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs)) // want: "func literal does not escape" "func literal escapes to heap"
	// The rewritten C.GoBytes call is a closure that does not escape.
	return C.GoBytes(unsafe.Pointer(cs), C.int(len(s))) // want: "func literal does not escape"
}

// Fill allocates C memory with malloc, fills it from Go and copies it back.
func Fill(b []byte) string { // want: "b does not escape"
	p := C.malloc(C.size_t(len(b) + 1))
	// Same rewrite as in Len, for a deferred C.free of an unsafe.Pointer.
	defer C.free(p) // want: "func literal does not escape" "func literal escapes to heap"
	buf := unsafe.Slice((*byte)(p), len(b)+1)
	copy(buf, b)
	buf[len(b)] = 0
	return C.GoString((*C.char)(p))
}

var pinned []*int

// Keep is plain Go code in a cgo package.
func Keep() {
	// Stored in a package-level slice: escapes.
	x := new(int) // want: "new(int) escapes to heap"
	// Since 1.25: append escapes to heap.
	pinned = append(pinned, x) // want(go1.25+): "append escapes to heap"
}
