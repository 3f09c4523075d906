package pinning

import (
	"bytes"
	"strings"
)

var (
	lastClone  []byte
	lastName   string
	lastAppend []byte
	lastCopy   []byte
)

// Trap: bytes.Clone copies the prefix; buf is not kept.
func KeepClone(buf []byte, n int) {
	lastClone = bytes.Clone(buf[:n])
}

// Trap: strings.Clone copies the prefix; s is not kept.
func KeepName(s string) {
	lastName = strings.Clone(s[:8])
}

// Trap: appending to a nil slice copies the prefix into a new array.
func KeepAppended(buf []byte, n int) {
	lastAppend = append([]byte(nil), buf[:n]...)
}

// Trap: copy into a new slice; lastCopy keeps only the copy, and the next call replaces it.
func KeepCopied(buf []byte) {
	dst := make([]byte, 8)
	copy(dst, buf[:8])
	lastCopy = dst // want: retained global-var EE0203
}

// Trap: the sub-slice is only returned; the caller decides what to keep.
func Head(buf []byte) []byte {
	h := buf[:8]
	return h
}
