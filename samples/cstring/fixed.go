package cstring

/*
#include <stdlib.h>
#include <string.h>

static size_t c_len(const char *s) { return strlen(s); }
*/
import "C"

import "unsafe"

// Len frees the C copy with a defer placed right after the allocation.
func Len(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return int(C.c_len(cs))
}

// Total frees each copy at the end of its own iteration: at most one copy is allocated at a time.
func Total(words []string) int {
	n := 0
	for _, w := range words {
		cs := C.CString(w)
		n += int(C.c_len(cs))
		C.free(unsafe.Pointer(cs))
	}
	return n
}
