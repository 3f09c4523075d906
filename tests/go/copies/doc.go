// Package copies shows that a copy ends the chain: when a function keeps text formatted from
// a value, a string converted from a byte slice, or bytes written into a builder, the holder
// keeps the copy and not the value it came from. The holders here may still be retained or
// grow, and that is reported on the line that adds to them, but the value passed in is never
// what they keep. Expected findings are trailing comments: "want:" with the verdict and the
// holder kind. A leak-risk finding on a line without one is a false alarm.
package copies

// Big is a large value that callers pass in and expect to be freed after the call.
type Big struct {
	N       int
	Name    string
	Payload [4096]byte
}
