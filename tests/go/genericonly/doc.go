// Package genericonly holds only generic code that nothing in the module instantiates. The
// compiler analyses generic functions only for the instantiations it builds, so it prints no
// escape diagnostics for this package at all, and every finding here comes from the source
// alone. Expected findings are trailing comments on the go statement: "want:" with the
// verdict and the holder kind. A leak-risk finding on a line without one is a false alarm.
package genericonly
