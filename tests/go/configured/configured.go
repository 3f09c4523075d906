// Package configured shows what escape-explain.toml decides: a dependency's registry declared
// in [registries] (kept for the life of the process: leak-risk, or retained when its declared
// release is called), and a package-level cache declared in [bounded] (retained, with the
// reason). Without the file, the first two are plain heap values and the cache a leak-risk.
package configured

import "example.com/lib"

type session struct {
	id  string
	buf []byte
}

// Handle registers a buffer per request name with a registry that never lets go.
func Handle(name string) { // want: "leaking param: name"
	buf := make([]byte, 1<<16) // want: "moved to heap: buf" want(go1.21-1.21): "make([]byte, 1 << 16) escapes to heap" want(go1.22+): "make([]byte, 65536) escapes to heap"
	lib.Register(name, &buf)
}

var sessions = lib.NewRegistry()

// Track adds a session to a registry whose release, Remove, Untrack calls.
func Track(id string) { // want: "leaking param: id"
	s := &session{id: id} // want: "&session{...} escapes to heap"
	sessions.Add(id, s)
}

func Untrack(id string) { // want: "id does not escape"
	sessions.Remove(id)
}

type conf struct{ name string }

// Label passes a composite literal in the argument Tag does not keep, and keeps `c`.
func Label(n string) { // want: "leaking param: n"
	c := conf{name: n} // want: "moved to heap: c"
	lib.Tag(&conf{name: n}, &c) // want: "&conf{...} escapes to heap"
}

// Two registries declared with the same release, and a third registry nothing releases
// although Remove is called on another.
var (
	others = lib.NewRegistry()
	audit  = lib.NewRegistry()
)

func Other(id string) { // want: "leaking param: id"
	others.Put(id, &session{id: id}) // want: "&session{...} escapes to heap"
}

func Forget(id string) { others.Remove(id) } // want: "id does not escape"

func Audit(id string) { // want: "leaking param: id"
	audit.Add(id, &session{id: id}) // want: "&session{...} escapes to heap"
}

type field struct{ name string }

// memo is keyed by the schema's field names: a fixed set, which escape-explain.toml says.
var memo = map[string]*field{} // want: "map[string]*field{} escapes to heap"

func lookup(name string) *field { // want: "leaking param: name"
	if f, ok := memo[name]; ok {
		return f
	}
	f := &field{name: name} // want: "&field{...} escapes to heap"
	memo[name] = f
	return f
}

// Lookup is the package's way in.
func Lookup(name string) string { return lookup(name).name } // want: "leaking param: name"
