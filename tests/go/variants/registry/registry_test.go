package registry

import (
	"testing"
	"time"
)

// startTicker is a test helper: every call leaves a goroutine that never ends, holding its
// registry. The holder is in a test file, so only the test variant's source shows it.
func startTicker(r *Registry) {
	go func() {
		for {
			time.Sleep(time.Hour)
			r.Add("tick")
		}
	}()
}

func TestAdd(t *testing.T) {
	r := New()
	startTicker(r)
	r.Add("a")
	r.Add("a")
	if got := r.Count("a"); got != 2 {
		t.Fatalf("Count(a) = %d, want 2", got)
	}
	if got := len(Keys(map[string]int{"x": 1})); got != 1 {
		t.Fatalf("len(Keys) = %d, want 1", got)
	}
}
