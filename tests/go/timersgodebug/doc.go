// Package timersgodebug is a module at go 1.23 whose go.mod asks for the GODEBUG defaults of
// Go 1.22 ("godebug default=go1.22"). Those defaults include asynctimerchan=1, so with Go 1.23
// to 1.26 unreferenced timers and tickers are not collected before they fire or are stopped,
// as before Go 1.23, even though the go line is 1.23. Go 1.27 removed asynctimerchan, and the
// same code is only garbage there. (Go 1.27 rejects "godebug asynctimerchan=1" in go.mod, so
// the module cannot name the setting itself and still build with every toolchain.) Expected
// findings are trailing comments: "want:" with a Go version range, the verdict and the holder
// kind.
package timersgodebug
