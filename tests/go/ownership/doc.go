// Package ownership shows that a registration or a map store is a long-lived holder only when
// the receiver lives as long as the process: a package-level mux, http.DefaultServeMux or a
// package-level registry. A mux, router or registry that the caller made, received as a
// parameter or gets back is owned by the caller, and what it holds goes when the caller drops
// it. Expected findings are trailing comments on the line that adds to the holder: "want:"
// with the verdict and the holder kind. A leak-risk finding on a line without one is a false
// alarm.
package ownership

// Item is a value kept by a registry.
type Item struct {
	Name string
	Data []byte
}
