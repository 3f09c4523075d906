// Package timers121 holds the timer and ticker leaks of a module whose go.mod says go 1.21.
// With that go line, Go 1.23 to 1.26 keep the old timer rules (the asynctimerchan=1 default):
// a timer or ticker stays live until it fires or is stopped, even when nothing refers to it.
// Go 1.27 removed the old rules, so from 1.27 on the same code is only garbage. Expected
// findings are trailing comments: "want:" with the verdict and the holder kind, with a Go
// version range where the verdict depends on the toolchain.
package timers121
