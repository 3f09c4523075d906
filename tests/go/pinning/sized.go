package pinning

import (
	"io"
	"unsafe"
)

// keys holds the first 16 bytes of every 64 KiB read.
var keys [][]byte

// Leak: a 16-byte key pins the whole 64 KiB read buffer it was cut from.
func ReadKey(r io.Reader) {
	buf := make([]byte, 64<<10)
	if _, err := r.Read(buf); err != nil {
		return
	}
	keys = append(keys, buf[:16]) // want: leak-risk subslice EE0207
}

// table is a fixed array the package owns for its whole life.
var table [4096]byte

// prefixes holds views into table.
var prefixes = map[int][]byte{}

// Trap: a sub-slice of a package-level array pins nothing the package does not keep already;
// the map still grows with every distinct i.
func TablePrefix(i int) {
	prefixes[i] = table[:i%4096] // want: leak-risk global-map EE0201
}

// views holds sub-slices of memory the Go heap does not own.
var views [][]uintptr

// Trap: a view of memory outside the Go heap pins no Go array; the slice of views still grows.
func View(p unsafe.Pointer, n int) {
	all := (*[1 << 20]uintptr)(p)
	views = append(views, all[:n:n]) // want: leak-risk global-slice EE0202
}
