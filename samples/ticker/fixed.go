package ticker

import (
	"context"
	"time"
)

// StartPollingUntil stops the ticker and returns when ctx is done: the goroutine ends with its caller's context.
func StartPollingUntil(ctx context.Context, interval time.Duration, poll func()) {
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				poll()
			}
		}
	}()
}
