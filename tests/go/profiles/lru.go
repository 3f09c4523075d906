package profiles

import "container/list"

// LRU is a cache capped at max entries: it holds memory, but never more than max values.
type LRU struct {
	max   int
	order *list.List
	items map[int]*list.Element
}

type entry struct {
	key int
	val []byte
}

// recent keeps the last 64 values Remember was given.
var recent = NewLRU(64)

// NewLRU makes an empty cache of at most max entries.
func NewLRU(max int) *LRU {
	return &LRU{max: max, order: list.New(), items: map[int]*list.Element{}}
}

// Add stores val under key, evicting the least recently used entry when full.
func (c *LRU) Add(key int, val []byte) {
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		e.Value.(*entry).val = val
		return
	}
	c.items[key] = c.order.PushFront(&entry{key: key, val: val})
	if c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*entry).key)
	}
}

// Remember keeps a 4 KiB value in the capped cache.
func Remember(key int) {
	recent.Add(key, make([]byte, 4096))
}
