package janitor

import (
	"runtime"
	"sync"
	"time"
)

// store is the part of Cache that the sweeper goroutine refers to.
type store struct {
	mu    sync.Mutex
	items map[string]entry
	stop  chan struct{}
}

func (s *store) sweep(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.mu.Lock()
			for k, e := range s.items {
				if time.Now().After(e.expires) {
					delete(s.items, k)
				}
			}
			s.mu.Unlock()
		case <-s.stop:
			return
		}
	}
}

// Cache is what users hold. The sweeper refers only to the embedded store, so when the last
// user reference to the Cache is gone the Cache can be finalized, and its finalizer ends the
// sweeper.
type Cache struct {
	*store
}

// endSweep is the finalizer of Cache.
func endSweep(c *Cache) {
	close(c.stop)
}

// Trap: the sweeper keeps the store until the Cache is finalized; SetFinalizer keeps nothing.
func NewCache(every time.Duration) *Cache {
	s := &store{items: map[string]entry{}, stop: make(chan struct{})}
	go s.sweep(every) // want: retained goroutine EE0309
	c := &Cache{s}
	runtime.SetFinalizer(c, endSweep)
	return c
}
