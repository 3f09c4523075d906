// Command runsonce shows that how often a function runs decides between retained and
// leak-risk for the same unbounded store into a package-level map. A handler (registered
// from main, or named Handle*) and anything it calls run per request; a function called only
// from main outside any loop, a function passed to sync.Once.Do, and an exported Register*
// function that nothing in the package calls run once or a few times. Expected findings are
// trailing comments on the insert: "want:" with the verdict and the holder kind. A leak-risk
// finding on a line without one is a false alarm.
package main

// Codec encodes values.
type Codec interface {
	Encode(v any) ([]byte, error)
}

// Upload is a received file.
type Upload struct {
	Name string
	Data []byte
}

// Session is per-user state.
type Session struct {
	ID    string
	Prefs map[string]string
}
