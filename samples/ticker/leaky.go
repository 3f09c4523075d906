// Package ticker shows a polling goroutine that never ends beside one that stops with its context.
package ticker

import "time"

// StartPolling ranges over a ticker that is never stopped: the loop never ends, so the goroutine, its ticker and poll live forever (leak).
func StartPolling(interval time.Duration, poll func()) {
	t := time.NewTicker(interval)
	go func() {
		for range t.C {
			poll()
		}
	}()
}
