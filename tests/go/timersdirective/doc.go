// Command timersdirective is a main package in a module at go 1.23 that asks for the old
// timer rules with a "//go:debug asynctimerchan=1" directive above its package clause (in
// godebug.go). With Go 1.23 to 1.26, unreferenced timers and tickers are then not collected
// before they fire or are stopped, as before Go 1.23. Go 1.27 removed asynctimerchan and
// rejects the directive, so godebug.go carries "//go:build !go1.27": with Go 1.27 the file is
// not built and the same code is only garbage. Expected findings are trailing comments:
// "want:" with a Go version range, the verdict and the holder kind.
package main
