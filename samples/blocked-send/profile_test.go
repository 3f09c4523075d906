package blockedsend

import (
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"
)

// TestDrive calls the leaky and the fixed fetch 20 times each with a timeout shorter than the
// work, then writes the goroutine leak profile into $PROFILES_DIR:
//
//	PROFILES_DIR=. go test -run TestDrive .
//
// goroutineleak.pprof beside this file was recorded that way (Go 1.27; Go 1.26 needs
// GOEXPERIMENT=goroutineleakprofile); `escape-explain demo blocked-send` reads it. It lists
// the 20 senders FetchOrTimeout left blocked, and none of FetchOrTimeoutBuffered's.
func TestDrive(t *testing.T) {
	dir := os.Getenv("PROFILES_DIR")
	leaks := pprof.Lookup("goroutineleak")
	if dir == "" || leaks == nil {
		t.Skip("PROFILES_DIR is not set, or this Go has no goroutine leak profile")
	}
	for i := 0; i < 20; i++ {
		FetchOrTimeout(time.Millisecond)
		FetchOrTimeoutBuffered(time.Millisecond)
	}
	// Let every worker finish its work and reach its send.
	time.Sleep(200 * time.Millisecond)
	f, err := os.Create(filepath.Join(dir, "goroutineleak.pprof"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := leaks.WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
}
