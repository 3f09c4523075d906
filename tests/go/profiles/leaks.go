package profiles

import (
	"sync"
	"time"
)

// Fetch returns the backend's answer, or "" once timeout has passed; when the timeout wins, the
// goroutine is left blocked forever on its send to a channel nothing refers to any more. A
// goroutine leak profile proves it: no running goroutine can reach the channel.
func Fetch(backend func() string, timeout time.Duration) string {
	ch := make(chan string)
	go func() {
		ch <- backend()
	}()
	select {
	case r := <-ch:
		return r
	case <-time.After(timeout):
		return ""
	}
}

// Stuck locks a mutex it never unlocks, and starts a goroutine that waits for it: once Stuck
// returns nothing else refers to the mutex, so the goroutine can never run again.
func Stuck() {
	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Lock()
		defer mu.Unlock()
	}()
}

// audit is never read: every Publish leaves a goroutine blocked on its send for good. The
// channel is a package-level variable, always reachable, so the runtime cannot prove the
// goroutines stuck and a leak profile does not list them.
var audit = make(chan string)

// Publish hands the event to a goroutine that sends it on audit.
func Publish(event string) {
	go func() {
		audit <- event
	}()
}
