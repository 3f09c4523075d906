package blockedsend

import "time"

// FetchOrTimeoutBuffered gives the channel room for one value: the worker's send never blocks, so it always returns.
func FetchOrTimeoutBuffered(d time.Duration) (int, bool) {
	ch := make(chan int, 1)
	go func() {
		ch <- compute()
	}()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(d):
		return 0, false
	}
}
