// Package feeds returns channels fed by goroutines (shape 5): a caller that stops reading
// early strands a sender on an unbuffered channel with no way to cancel it.
package feeds

import (
	"context"
	"time"
)

// Leak: a caller that stops reading early leaves the sender blocked forever.
func Lines(src []string) <-chan string {
	ch := make(chan string)
	go func() { // want: leak-risk channel EE0304
		for _, s := range src {
			ch <- s
		}
		close(ch)
	}()
	return ch
}

// Trap: room for every item, so the sender never blocks.
func Buffered(src []string) <-chan string {
	ch := make(chan string, len(src))
	go func() {
		for _, s := range src {
			ch <- s
		}
		close(ch)
	}()
	return ch
}

// Trap: the caller's context ends the sender.
func LinesCtx(ctx context.Context, src []string) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		for _, s := range src {
			select {
			case ch <- s:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// Leak: the only receiver is a select that a timeout can leave.
func Fetch(get func() string) string {
	ch := make(chan string)
	go func() { ch <- get() }() // want: leak-risk channel EE0304
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return ""
	}
}

// Trap: the same with a buffer of one, so the send never blocks.
func FetchBuffered(get func() string) string {
	ch := make(chan string, 1)
	go func() { ch <- get() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return ""
	}
}

// Trap: a receiver that ranges until the channel is closed.
func Sum(src []int) (n int) {
	ch := make(chan int)
	go func() {
		for _, v := range src {
			ch <- v
		}
		close(ch)
	}()
	for v := range ch {
		n += v
	}
	return n
}
