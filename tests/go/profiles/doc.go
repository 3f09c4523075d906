// Package profiles is the module the heap and goroutine profiles of the fixtures are taken
// from: a map that only grows, a capped LRU that looks like one, a small sub-slice pinning a
// large buffer, goroutines that never end and senders nobody receives from. profile_test.go
// drives them and writes the profiles.
package profiles
