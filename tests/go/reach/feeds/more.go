package feeds

import (
	"sync"
	"time"
)

// Set is a set of strings.
type Set struct {
	mu sync.RWMutex
	m  map[string]struct{}
}

// Leak: an iterator method; a caller that breaks out of its range leaves the sender (and
// the read lock it holds) for good.
func (s *Set) Iter() <-chan string {
	ch := make(chan string)
	go func() { // want: leak-risk channel EE0304
		s.mu.RLock()
		for k := range s.m {
			ch <- k
		}
		close(ch)
		s.mu.RUnlock()
	}()
	return ch
}

// Iterator is an iteration a caller can stop.
type Iterator struct {
	C    <-chan string
	stop chan struct{}
}

// Stop ends the iteration.
func (it *Iterator) Stop() { close(it.stop) }

// Trap: every send can give up when Stop is called.
func (s *Set) Iterator() *Iterator {
	ch := make(chan string)
	stop := make(chan struct{})
	go func() {
		defer close(ch)
		for k := range s.m {
			select {
			case ch <- k:
			case <-stop:
				return
			}
		}
	}()
	return &Iterator{C: ch, stop: stop}
}

// Leak: the goroutine waits for the group, then sends; the only receiver can time out.
func WaitAll(wg *sync.WaitGroup) bool {
	done := make(chan struct{})
	go func() { // want: leak-risk channel EE0304
		wg.Wait()
		done <- struct{}{}
	}()
	select {
	case <-done:
		return true
	case <-time.After(time.Second):
		return false
	}
}

// Trap: the same with close, which never blocks.
func WaitAllClose(wg *sync.WaitGroup) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(time.Second):
		return false
	}
}

// Leak: an iterator over a map's keys, unbuffered, with no way to give up.
func Keys(m map[string]int) <-chan string {
	ch := make(chan string)
	go func() { // want: leak-risk channel EE0304
		for k := range m {
			ch <- k
		}
		close(ch)
	}()
	return ch
}
