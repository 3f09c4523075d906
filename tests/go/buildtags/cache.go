package buildtags

// cache is emptied only by EvictCache in evict_windows.go, which linux builds leave out.
var cache = map[string]*Item{}

// Leak: on linux nothing deletes from cache.
func Store(k string, it *Item) {
	cache[k] = it // want: leak-risk global-map EE0201
}

// sessions is emptied by Logout in evict_unix.go (//go:build unix), which linux builds include.
var sessions = map[string]*Item{}

// Trap: Logout deletes, and its file is in the linux build.
func Login(k string, it *Item) {
	sessions[k] = it // want: retained global-map EE0201
}

// jobs is emptied only by Finish in evict_integration.go (//go:build integration).
var jobs = map[string]*Item{}

// Leak: the delete is only in a build that needs -tags integration.
func Enqueue(k string, it *Item) {
	jobs[k] = it // want: leak-risk global-map EE0201
}

// conns is emptied by Disconnect in evict_linux.go (no build line, the name selects linux).
var conns = map[string]*Item{}

// Trap: Disconnect deletes, and its file is in the linux build by its name alone.
func Connect(k string, it *Item) {
	conns[k] = it // want: retained global-map EE0201
}
