package genericonly

import (
	"sync"
	"time"
)

// Cache is a map guarded by a mutex.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	items map[K]V
	done  chan struct{}
}

// Leak: every New starts an endless clearing goroutine that keeps its cache alive for good.
func New[K comparable, V any]() *Cache[K, V] {
	c := &Cache[K, V]{items: map[K]V{}}
	go func() { // want: leak-risk goroutine
		for {
			time.Sleep(time.Second)
			c.mu.Lock()
			for k := range c.items {
				delete(c.items, k)
			}
			c.mu.Unlock()
		}
	}()
	return c
}

// Trap: the same clearing loop, but Stop closes done and the goroutine returns.
func NewStoppable[K comparable, V any]() *Cache[K, V] {
	c := &Cache[K, V]{items: map[K]V{}, done: make(chan struct{})}
	go func() { // want: retained goroutine
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				c.mu.Lock()
				for k := range c.items {
					delete(c.items, k)
				}
				c.mu.Unlock()
			case <-c.done:
				return
			}
		}
	}()
	return c
}

// Stop ends the goroutine started by NewStoppable.
func (c *Cache[K, V]) Stop() { close(c.done) }

// Put stores a value.
func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	c.items[k] = v
	c.mu.Unlock()
}
