// Package leaks holds the leaks that escape analysis cannot see (goroutines that never end,
// sends nobody receives, timers and tickers, finalizers) beside look-alikes that are fine.
// Its go.mod says go 1.21, so the pre-1.23 timer rules apply under toolchains before Go 1.27
// (Go 1.23 to 1.26 collect unreferenced timers only for go 1.23 modules, see timers123).
// Expected findings are trailing comments: "want:" with the verdict, the holder kind and the
// code.
package leaks
