package main

// spaced lives in a file whose name contains a space.
func spaced() *string {
	s := "spaced" // want: "moved to heap: s"
	return &s
}
