// Package registrations shows registration APIs of the standard library that keep what they
// are given: expvar.Publish (through expvar.NewInt), context.AfterFunc on a context that is
// never cancelled, time.AfterFunc until it fires, and http.HandleFunc reached through a
// helper that forwards its parameter. Made once they are retained; made per call with no
// release they are leak risks. Expected findings are trailing comments on the registering
// call: "want:" with the verdict and the holder kind. A leak-risk finding on a line without
// one is a false alarm.
package registrations
