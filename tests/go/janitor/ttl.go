package janitor

import (
	"context"
	"sync"
	"time"
)

// TTLCache is a map of entries that a janitor goroutine purges.
type TTLCache struct {
	mu    sync.Mutex
	items map[string]entry
	stop  chan struct{}
}

func newTTLCache() *TTLCache {
	return &TTLCache{items: map[string]entry{}, stop: make(chan struct{})}
}

// purge drops the expired entries.
func (c *TTLCache) purge() {
	now := time.Now()
	c.mu.Lock()
	for k, e := range c.items {
		if now.After(e.expires) {
			delete(c.items, k)
		}
	}
	c.mu.Unlock()
}

// Trap: the janitor keeps the cache while it runs, and Close ends it: retained.
func New(every time.Duration) *TTLCache {
	c := newTTLCache()
	go c.janitor(every) // want: retained goroutine EE0309
	return c
}

func (c *TTLCache) janitor(every time.Duration) {
	t := time.NewTicker(every)
	for {
		select {
		case <-t.C:
			c.purge()
		case <-c.stop:
			t.Stop()
			return
		}
	}
}

// Close stops the janitor.
func (c *TTLCache) Close() { close(c.stop) }

// Leak: every call starts an endless purger with no way out; it and its cache are never freed.
func NewForever() *TTLCache {
	c := newTTLCache()
	go func() { // want: leak-risk goroutine EE0303
		for {
			time.Sleep(time.Minute)
			c.purge()
		}
	}()
	return c
}

// Trap: the janitor returns when the caller's context is done: retained until then.
func NewWithContext(ctx context.Context) *TTLCache {
	c := newTTLCache()
	go c.janitorCtx(ctx) // want: retained goroutine EE0309
	return c
}

func (c *TTLCache) janitorCtx(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.purge()
		}
	}
}
