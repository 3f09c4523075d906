package buildtags

// EvictCache removes an entry from cache. The _windows.go name keeps this file out of
// non-windows builds.
func EvictCache(k string) {
	delete(cache, k)
}
