// Package startup shows stores that grow a package-level holder but run a bounded number of
// times, each beside a look-alike that really grows: code that parses the command line
// (flag.Parse), registries that take each name once (a second registration panics), an
// unexported register function reached only from other packages, helpers that take a
// testing.TB (they run in a test binary), generic methods that take no values (one entry per
// instantiation), and methods that register their own receiver wrapped in a value (their
// callers decide). Expected findings are trailing comments on the store: "want:" with the
// verdict and the holder kind. A leak-risk finding on a line without one is a false alarm.
package startup
