package leaks

import (
	"context"
	"time"
)

// Leak: every call starts a poller that loops forever; nothing can stop it.
func StartPoller(buf []byte, poll func([]byte)) {
	go func() { // want: leak-risk goroutine EE0303
		for {
			poll(buf)
			time.Sleep(time.Second)
		}
	}()
}

// Trap: the worker returns when the context is done.
func StartWorker(ctx context.Context, work func()) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			default:
				work()
			}
		}
	}()
}

// Trap: the consumer ends when the channel is closed, and Close closes it.
type Pipe struct{ ch chan int }

func (p *Pipe) Start(use func(int)) {
	go func() {
		for v := range p.ch {
			use(v)
		}
	}()
}

func (p *Pipe) Close() { close(p.ch) }

// Leak: a named worker function with an endless loop, started per call.
func loopForever(tick func()) {
	for {
		tick()
	}
}

func Spawn(tick func()) {
	go loopForever(tick) // want: leak-risk goroutine EE0303
}

// Trap: one background loop started once, from init: retained, bounded.
func init() {
	go func() { // want: retained goroutine EE0303
		for {
			time.Sleep(time.Minute)
		}
	}()
}
