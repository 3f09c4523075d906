// Package lib is a plain dependency: its diagnostics appear under its own
// package header, with lib/ paths.
package lib

// Buffer is a growable byte buffer.
type Buffer struct{ data []byte }

// New returns a fresh buffer.
func New(size int) *Buffer {
	return &Buffer{data: make([]byte, 0, size)} // want: "&Buffer{...} escapes to heap" "make([]byte, 0, size) escapes to heap"
}

// Write appends bytes to the buffer.
func (b *Buffer) Write(p []byte) int { // want: "leaking param content: b" "p does not escape"
	b.data = append(b.data, p...) // want(go1.25+): "append escapes to heap"
	return len(p)
}

// Bytes exposes the buffer's storage.
func (b *Buffer) Bytes() []byte { // want: "leaking param: b to result ~r0 level=1"
	return b.data
}

// Len reads the buffer length.
func (b *Buffer) Len() int { // want: "b does not escape"
	return len(b.data)
}

// Poke and Peek are declared without a body (see stub.s); they are never
// called, but their parameters are still tagged.

// Poke has named parameters.
func Poke(p *byte, addr uintptr) // want: "assuming addr is unsafe uintptr" "leaking param: p"

// Peek has unnamed parameters.
func Peek(*byte, uintptr) // want(go1.21-1.21): "assuming arg#2 is unsafe uintptr" want(go1.22+): "assuming ~p1 is unsafe uintptr"
