package hidden

// cache keeps one large buffer per key and is never pruned.
var cache = map[string][]byte{}

// Leak: the flow stops at "too large for stack" and never shows the insert; nothing deletes.
func Handle(k string) {
	big := make([]byte, 1<<20)
	cache[k] = big // want: leak-risk global-map EE0201
}

// reqs keeps every request ever tracked.
var reqs = map[int]*Request{}

// Leak: the flow stops at the interface call before the insert; nothing deletes from reqs.
func Track(id int, body []byte) {
	r := &Request{ID: id, Body: body}
	logger.Log(r)
	reqs[r.ID] = r // want: leak-risk global-map EE0201
}

// pages keeps large buffers until Drop deletes them.
var pages = map[string][]byte{}

// Trap: the same large buffer, but Drop deletes entries: retained.
func HandleBounded(k string) {
	big := make([]byte, 1<<20)
	pages[k] = big // want: retained global-map EE0201
}

// Drop removes a page.
func Drop(k string) { delete(pages, k) }

// active keeps requests until End deletes them.
var active = map[int]*Request{}

// Trap: the same interface call before the store, but End deletes entries: retained.
func Begin(id int, body []byte) {
	r := &Request{ID: id, Body: body}
	logger.Log(r)
	active[r.ID] = r // want: retained global-map EE0201
}

// End removes a finished request.
func End(id int) { delete(active, id) }
