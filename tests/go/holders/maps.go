package holders

import "sync"

// Leak: every login adds a session and nothing ever removes one.
var sessions = map[string]*Session{}

func Remember(id string, s *Session) {
	sessions[id] = s // want: leak-risk global-map EE0201
}

// Leak, seen from the caller: the session is handed to Remember, which keeps it.
func Login(id string) {
	s := &Session{ID: id}
	Remember(id, s)
}

// Trap: a cache with a size cap that deletes an entry before it inserts: bounded.
var lru = map[string]*Item{}

func Put(k string, it *Item) {
	if len(lru) >= 128 {
		for old := range lru {
			delete(lru, old)
			break
		}
	}
	lru[k] = it // want: retained global-map EE0201
}

// Leak: a sync.Map that is only ever stored into.
var conns sync.Map

func Track(id int, s *Session) {
	conns.Store(id, s) // want: leak-risk global-map EE0201
}

// Trap: a sync.Map whose entries are deleted when the connection closes.
var live sync.Map

func Open(id int, s *Session) {
	live.Store(id, s) // want: retained global-map EE0201
}

func Close(id int) {
	live.Delete(id)
}
