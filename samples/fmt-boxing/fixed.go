package fmtboxing

import (
	"os"
	"strconv"
)

// WriteCount formats n with strconv.Itoa and writes the string: no interface, so nothing is boxed.
func WriteCount(n int) {
	os.Stdout.WriteString(strconv.Itoa(n) + "\n")
}
