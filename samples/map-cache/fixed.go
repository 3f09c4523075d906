package mapcache

// maxEntries caps the size of cache.
const maxEntries = 128

var (
	// cache holds at most maxEntries entries.
	cache = map[string]*Entry{}
	// ring holds the keys of cache in insertion order; ring[next] is the oldest.
	ring [maxEntries]string
	next int
)

// CachedLookup deletes the oldest entry before inserting a new one: the cache never holds more than maxEntries (bounded).
func CachedLookup(key string) *Entry {
	if e, ok := cache[key]; ok {
		return e
	}
	if oldest := ring[next]; oldest != "" {
		delete(cache, oldest)
	}
	e := &Entry{Key: key, Data: make([]byte, 4096)}
	cache[key] = e
	ring[next] = key
	next = (next + 1) % maxEntries
	return e
}
