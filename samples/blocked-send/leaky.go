// Package blockedsend shows a sender left blocked on a channel nobody reads any more.
package blockedsend

import "time"

// FetchOrTimeout gives up after d, but the worker still sends on the unbuffered channel and blocks forever (goroutine leak).
func FetchOrTimeout(d time.Duration) (int, bool) {
	ch := make(chan int)
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

// compute stands in for slow work.
func compute() int {
	time.Sleep(50 * time.Millisecond)
	return 42
}
