// Package buildtags shows that the evidence that a holder is released must come from a file
// that is in the build. Each package-level map is filled by a per-call function in cache.go
// and emptied by a delete in another file; whether that file is compiled on the host
// (linux/amd64) decides between retained and leak-risk. Files excluded by a _windows.go name
// or an "integration" build tag do not count; files included by a "unix" build tag or a
// _linux.go name do. Expected findings are trailing comments on the insert: "want:" with the
// verdict and the holder kind. A leak-risk finding on a line without one is a false alarm.
package buildtags

// Item is a cached value.
type Item struct{ V []byte }
