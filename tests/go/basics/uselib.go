package main

import "example.com/fixtures/basics/lib"

// useLib calls into package lib. The constant conversion below reads the
// string's bytes in place (zero-copy since Go 1.22).
func useLib() {
	b := lib.New(8)
	b.Write([]byte("hi")) // want: "([]byte)(\"hi\") does not escape" want(go1.22+): "zero-copy string->[]byte conversion"
	_ = b.Bytes()
	_ = b.Len()
}
