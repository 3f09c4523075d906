// Package cgoleaks holds C allocations that are never freed, or freed too late, beside the
// correct forms. C memory is invisible to Go's garbage collector and to pprof heap.
package cgoleaks

/*
#include <stdlib.h>
#include <string.h>

static size_t length(const char *s) { return strlen(s); }

// consume takes ownership of s and frees it.
static void consume(char *s) { free(s); }
*/
import "C"

import (
	"errors"
	"unsafe"
)

// Leak: the C string is never freed.
func Length(s string) int {
	cs := C.CString(s) // want: leak-risk cgo EE0301
	return int(C.length(cs))
}

// Leak: passed straight to C and never freed.
func LengthInline(s string) int {
	return int(C.length(C.CString(s))) // want: leak-risk cgo EE0301
}

// Trap: freed by defer right after the allocation.
func LengthFreed(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return int(C.length(cs))
}

// Leak: the early return skips the free.
func Checked(s string) (int, error) {
	cs := C.CString(s) // want: leak-risk cgo EE0301
	n := int(C.length(cs))
	if n == 0 {
		return 0, errors.New("empty")
	}
	C.free(unsafe.Pointer(cs))
	return n, nil
}

// Leak: defer inside a loop frees nothing until the function returns.
func Total(items []string) int {
	total := 0
	for _, it := range items {
		cs := C.CString(it) // want: leak-risk cgo EE0302
		defer C.free(unsafe.Pointer(cs))
		total += int(C.length(cs))
	}
	return total
}

// Trap: an explicit free at the end of each iteration.
func TotalFreed(items []string) int {
	total := 0
	for _, it := range items {
		cs := C.CString(it)
		total += int(C.length(cs))
		C.free(unsafe.Pointer(cs))
	}
	return total
}

// Trap: ownership handed to C code that frees it (assumed from the preamble's C body).
func Hand(s string) {
	C.consume(C.CString(s)) // want: retained cgo EE0301
}

// Trap: freed by a helper of the package.
func release(p *C.char) { C.free(unsafe.Pointer(p)) }

func LengthHelper(s string) int {
	cs := C.CString(s)
	defer release(cs)
	return int(C.length(cs))
}
