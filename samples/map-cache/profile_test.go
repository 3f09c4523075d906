package mapcache

import (
	"strconv"
	"testing"
)

// TestDrive calls the leaky and the fixed lookup 20,000 times each, with a new key every time.
// Run with -memprofile to see what each keeps:
//
//	go test -run TestDrive -memprofile heap.pprof .
//
// heap.pprof beside this file was recorded that way; `escape-explain demo map-cache` reads it.
func TestDrive(t *testing.T) {
	for i := 0; i < 20000; i++ {
		key := strconv.Itoa(i)
		Lookup(key)
		CachedLookup(key)
	}
	if len(entries) != 20000 || len(cache) != maxEntries {
		t.Fatalf("entries %d, cache %d", len(entries), len(cache))
	}
}
