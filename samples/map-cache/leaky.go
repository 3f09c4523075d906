// Package mapcache shows a package-level map that only grows beside a capped cache.
package mapcache

// Entry is a cached result.
type Entry struct {
	Key  string
	Data []byte
}

// entries is filled by Lookup and never emptied.
var entries = map[string]*Entry{}

// Lookup stores a new Entry for every new key and never deletes one: the map grows forever (leak).
func Lookup(key string) *Entry {
	if e, ok := entries[key]; ok {
		return e
	}
	e := &Entry{Key: key, Data: make([]byte, 4096)}
	entries[key] = e
	return e
}
