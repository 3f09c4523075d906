// Package cstring shows C memory from C.CString that is never freed, or freed too late.
package cstring

/*
#include <stdlib.h>
#include <string.h>

static size_t c_len(const char *s) { return strlen(s); }
*/
import "C"

import "unsafe"

// LenNoFree copies s into C memory and never frees it: every call loses len(s)+1 bytes (leak).
func LenNoFree(s string) int {
	cs := C.CString(s)
	return int(C.c_len(cs))
}

// TotalDeferInLoop defers each free until the function returns: every copy stays allocated for the whole loop (leak until return).
func TotalDeferInLoop(words []string) int {
	n := 0
	for _, w := range words {
		cs := C.CString(w)
		defer C.free(unsafe.Pointer(cs))
		n += int(C.c_len(cs))
	}
	return n
}
