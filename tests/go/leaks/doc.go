// Package leaks holds the leaks that escape analysis cannot see (goroutines that never end,
// sends nobody receives, timers and tickers, finalizers) beside look-alikes that are fine.
// Its go.mod says go 1.21, so the timer rules of Go 1.21 apply whatever the toolchain:
// unreferenced timers are collected only for modules at go 1.23 or later (see timers123).
// Expected findings are trailing comments: "want:" with the verdict and the holder kind.
package leaks
