package profiles

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"
)

// TestWriteProfiles drives the package (20,000 sessions, 20,000 cache values, 20,000 events of
// four kinds, 400 pinned buffers, 8 endless workers, 15 senders left by First and 12 by
// Search) and writes its profiles into $PROFILES_DIR:
// heap-1.pprof half way, heap-2.pprof at the end, goroutine.pprof (debug=0),
// goroutine.txt (debug=2) and goroutine-debug1.txt (debug=1).
// Then it leaves 9 senders blocked by Fetch's timeout, 5 goroutines waiting on Stuck's mutex
// and 6 on Publish's package-level channel, and writes goroutine-end.pprof (debug=0) and, where
// the toolchain has the goroutine leak profile (Go 1.27, or 1.26 built with
// GOEXPERIMENT=goroutineleakprofile), goroutineleak.pprof (debug=0), goroutineleak-debug1.txt
// (debug=1) and goroutineleak-debug2.txt (debug=2: every goroutine, the leaked ones marked).
// The leak profile lists First's, Search's, Fetch's and Stuck's goroutines: no running
// goroutine can reach what they wait on. It does not list the sleeping workers, nor
// Publish's senders, whose channel a package-level variable still reaches.
// Without PROFILES_DIR it does nothing.
func TestWriteProfiles(t *testing.T) {
	dir := os.Getenv("PROFILES_DIR")
	if dir == "" {
		t.Skip("PROFILES_DIR is not set")
	}
	id := 0
	drive := func(n int) {
		for i := 0; i < n; i++ {
			id++
			Open(id)
			Remember(id)
			Count([]string{"open", "read", "write", "close"}[i%4])
			if i%50 == 0 {
				Load(byte(i))
			}
		}
	}
	drive(10000)
	write(t, filepath.Join(dir, "heap-1.pprof"), "heap", 0)
	drive(10000)
	StartWorkers(8)
	for i := 0; i < 5; i++ {
		First([]string{"a", "b", "c", "d"})
	}
	cancelled := make(chan struct{})
	close(cancelled)
	slow := func() string { time.Sleep(10 * time.Millisecond); return "late" }
	for i := 0; i < 12; i++ {
		Search(slow, cancelled)
	}
	// Let the goroutines reach where they block.
	time.Sleep(100 * time.Millisecond)
	write(t, filepath.Join(dir, "heap-2.pprof"), "heap", 0)
	write(t, filepath.Join(dir, "goroutine.pprof"), "goroutine", 0)
	write(t, filepath.Join(dir, "goroutine.txt"), "goroutine", 2)
	write(t, filepath.Join(dir, "goroutine-debug1.txt"), "goroutine", 1)

	late := func() string { time.Sleep(10 * time.Millisecond); return "late" }
	for i := 0; i < 9; i++ {
		Fetch(late, time.Millisecond)
	}
	for i := 0; i < 5; i++ {
		Stuck()
	}
	for i := 0; i < 6; i++ {
		Publish("event")
	}
	time.Sleep(100 * time.Millisecond)
	write(t, filepath.Join(dir, "goroutine-end.pprof"), "goroutine", 0)
	if pprof.Lookup("goroutineleak") == nil {
		return
	}
	write(t, filepath.Join(dir, "goroutineleak.pprof"), "goroutineleak", 0)
	write(t, filepath.Join(dir, "goroutineleak-debug1.txt"), "goroutineleak", 1)
	write(t, filepath.Join(dir, "goroutineleak-debug2.txt"), "goroutineleak", 2)
}

func write(t *testing.T, path, profile string, debug int) {
	t.Helper()
	if profile == "heap" {
		// What is still referenced, not what was allocated since the last collection.
		runtime.GC()
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup(profile).WriteTo(f, debug); err != nil {
		t.Fatal(err)
	}
}
