// Package workers starts goroutines that keep what they reach (shape 4): until the loop
// returns, the goroutine is the holder of its receiver, its arguments and its captures.
package workers

import (
	"context"
	"time"
)

// Poller polls with a 1 MiB buffer.
type Poller struct {
	buf  []byte
	done chan struct{}
	out  chan int
}

// Trap: go p.run() keeps p and its buffer until Close closes p.done: retained.
func NewPoller() *Poller {
	p := &Poller{buf: make([]byte, 1<<20), done: make(chan struct{}), out: make(chan int, 1)}
	go p.run() // want: retained goroutine EE0309
	return p
}

func (p *Poller) run() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.buf[0]++
		case <-p.done:
			return
		}
	}
}

// Close ends the poller's goroutine.
func (p *Poller) Close() { close(p.done) }

// Spinner spins with a 1 MiB buffer and nothing that stops it.
type Spinner struct {
	buf []byte
}

// Leak: go s.spin() keeps s and its buffer forever, one more per call.
func NewSpinner() *Spinner {
	s := &Spinner{buf: make([]byte, 1<<20)}
	go s.spin() // want: leak-risk goroutine EE0303
	return s
}

func (s *Spinner) spin() {
	for {
		s.buf[0]++
		time.Sleep(time.Second)
	}
}

// Leak: started through a local variable, the same endless loop.
func Watch(name string) {
	seen := make([]string, 0, 1024)
	f := func() {
		for {
			seen = append(seen[:0], name)
			time.Sleep(time.Second)
		}
	}
	go f() // want: leak-risk goroutine EE0303
}

// Trap: the same loop through a local variable, ended by the context.
func WatchCtx(ctx context.Context, name string) {
	seen := make([]string, 0, 1024)
	f := func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				seen = append(seen[:0], name)
			}
		}
	}
	go f() // want: retained goroutine EE0309
}

func loop(d time.Duration) {
	for {
		time.Sleep(d)
	}
}

func watch(d time.Duration) { loop(d) }

// Leak: through a wrapper that only calls the loop.
func Start(d time.Duration) {
	go watch(d) // want: leak-risk goroutine EE0303
}
