package leaks

import (
	"sync"
	"time"
)

// The goroutine and channel rules follow variables, not names: each pair below has a leak and
// a look-alike whose variables share a name with something else in the package.

// Leak: the goroutine ranges over a channel that nothing closes. CloseOwnCh closes a different
// variable that is also called `ch`.
func RangeNeverClosed(use func(int)) {
	ch := make(chan int)
	go func() { // want: leak-risk goroutine EE0303
		for v := range ch {
			use(v)
		}
	}()
	ch <- 1
}

// CloseOwnCh closes its own `ch`, which is no other function's channel.
func CloseOwnCh() {
	ch := make(chan int)
	close(ch)
}

// Trap: the same shape, and this function closes its channel when the sends are done: the
// goroutine keeps what it captures until then.
func RangeClosed(use func(int)) {
	ch := make(chan int)
	go func() { // want: retained goroutine EE0309
		for v := range ch {
			use(v)
		}
	}()
	ch <- 1
	close(ch)
}

// Trap: `items` is a slice here; the channel called `items` is FeedItems's. Ranging over a
// slice ends with it.
func DrainItems(items []int, use func(int)) {
	go func() {
		for _, v := range items {
			use(v)
		}
	}()
}

// Leak: this `items` is a channel, and nothing closes it.
func FeedItems(use func(int)) {
	items := make(chan int)
	go func() { // want: leak-risk goroutine EE0303
		for v := range items {
			use(v)
		}
	}()
	items <- 1
}

func sum(p []int) int {
	s := 0
	for _, v := range p {
		s += v
	}
	return s
}

// Trap: the workers' results are received by a range loop until the channel is closed after
// the last one: every send is received.
func SumAll(parts [][]int) int {
	ch := make(chan int)
	var wg sync.WaitGroup
	for _, p := range parts {
		wg.Add(1)
		go func(p []int) {
			defer wg.Done()
			ch <- sum(p)
		}(p)
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	total := 0
	for s := range ch {
		total += s
	}
	return total
}

// Leak: the same workers, but the receiver gives up at a deadline and returns: the senders
// still running block forever.
func SumWithin(parts [][]int, d time.Duration) (int, bool) {
	ch := make(chan int)
	for _, p := range parts {
		go func(p []int) { // want: leak-risk channel EE0304
			ch <- sum(p)
		}(p)
	}
	total := 0
	timeout := time.After(d)
	for range parts {
		select {
		case s := <-ch:
			total += s
		case <-timeout:
			return total, false
		}
	}
	return total, true
}

// Trap: the sender has a way out of its select (default): it never blocks.
func TryNotify(d time.Duration) bool {
	ch := make(chan bool)
	go func() {
		select {
		case ch <- true:
		default:
		}
	}()
	select {
	case ok := <-ch:
		return ok
	case <-time.After(d):
		return false
	}
}

// Ring and Spinner both have a `loop` method: the receiver's type decides which one a `go`
// statement runs.
type Ring[T any] struct {
	in   chan T
	stop chan struct{}
	last T
}

func (r *Ring[T]) loop() {
	for {
		select {
		case v := <-r.in:
			r.last = v
		case <-r.stop:
			return
		}
	}
}

func (r *Ring[T]) Close() { close(r.stop) }

// Trap: the ring's loop keeps the ring until Close closes its stop channel.
func NewRing[T any]() *Ring[T] {
	r := &Ring[T]{in: make(chan T), stop: make(chan struct{})}
	go r.loop() // want: retained goroutine EE0309
	return r
}

type Spinner struct{ spins int }

func (s *Spinner) loop() {
	for {
		s.spins++
		time.Sleep(time.Millisecond)
	}
}

// Leak: a method value whose loop never ends, started per call.
func Spin() *Spinner {
	s := &Spinner{}
	go s.loop() // want: leak-risk goroutine EE0303
	return s
}

// Leak: the endless loop is bound to a local variable, then started per call.
func StartLocal(poll func()) {
	loop := func() {
		for {
			poll()
			time.Sleep(time.Second)
		}
	}
	go loop() // want: leak-risk goroutine EE0303
}

// Trap: the local loop returns once `done` is closed, and the returned stop function closes
// it.
func StartLocalStoppable(poll func()) (stop func()) {
	done := make(chan struct{})
	loop := func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			poll()
			time.Sleep(time.Second)
		}
	}
	go loop() // want: retained goroutine EE0309
	return func() { close(done) }
}

// watch only calls the function that loops forever.
func watch(tick func()) { loopForever(tick) }

// Leak: started through a one-line wrapper of an endless loop, per call.
func StartWatch(tick func()) {
	go watch(tick) // want: leak-risk goroutine EE0303
}

// tickOnce only calls a function that returns.
func tickOnce(tick func()) { tick() }

// Trap: the wrapper's callee does its work and returns.
func StartTickOnce(tick func()) {
	go tickOnce(tick)
}
