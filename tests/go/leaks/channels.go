package leaks

import (
	"context"
	"errors"
	"time"
)

// Leak: the forgotten sender. On timeout the function returns and nobody receives: the
// goroutine blocks forever on an unbuffered channel.
func FetchWithTimeout(fetch func() []byte) ([]byte, error) {
	ch := make(chan []byte)
	go func() { // want: leak-risk channel EE0304
		ch <- fetch()
	}()
	select {
	case b := <-ch:
		return b, nil
	case <-time.After(time.Second):
		return nil, errors.New("timeout")
	}
}

// Leak: an early error return between the start and the receive.
func FirstResult(work func() int, check func() error) (int, error) {
	ch := make(chan int)
	go func() { // want: leak-risk channel EE0304
		ch <- work()
	}()
	if err := check(); err != nil {
		return 0, err
	}
	return <-ch, nil
}

// Trap: a buffer of one holds the single send, so the sender never blocks.
func FetchBuffered(fetch func() []byte) ([]byte, error) {
	ch := make(chan []byte, 1)
	go func() {
		ch <- fetch()
	}()
	select {
	case b := <-ch:
		return b, nil
	case <-time.After(time.Second):
		return nil, errors.New("timeout")
	}
}

// Trap: the receiver always drains.
func Compute(work func() int) int {
	ch := make(chan int)
	go func() {
		ch <- work()
	}()
	return <-ch
}

// Trap: the sender gives up when the context is done.
func FetchCtx(ctx context.Context, fetch func() []byte) []byte {
	ch := make(chan []byte)
	go func() {
		select {
		case ch <- fetch():
		case <-ctx.Done():
		}
	}()
	select {
	case b := <-ch:
		return b
	case <-ctx.Done():
		return nil
	}
}
