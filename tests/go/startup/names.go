package startup

import "strconv"

// connNames counts connections per base name.
var connNames = map[string]int{}

// Trap: every caller passes a constant base name, so the map has one entry per constant.
func connName(base string) string {
	connNames[base]++ // want: retained global-map EE0201
	return base + "-" + strconv.Itoa(connNames[base])
}

// Dial names a client connection.
func Dial() string { return connName("client") }

// Accept names a server connection.
func Accept() string { return connName("server") }

// visits counts visits per user.
var visits = map[string]int{}

// Leak: the key is whatever Visit is given: one counter per distinct user, for good.
func countVisit(user string) {
	visits[user]++ // want: leak-risk global-map EE0201
}

// Visit records a visit.
func Visit(user string) { countVisit(user) }

// Loaded is a loaded file.
type Loaded struct{ path string }

// loaded is made on first use.
var loaded map[string]*Loaded

// Leak: making the map when it is nil is not a release; every new path adds an entry for good.
func Load(path string) *Loaded {
	if loaded == nil {
		loaded = make(map[string]*Loaded)
	}
	l := &Loaded{path: path}
	loaded[path] = l // want: leak-risk global-map EE0201
	return l
}
