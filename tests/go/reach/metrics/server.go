package metrics

type server struct {
	st *store
}

func (sv *server) handle(k string, v any) { sv.st.Add(k, v) }

func (sv *server) drop(k string) { sv.st.Remove(k) }

// srv is the package's server; its store is reached through a field.
var srv = &server{st: newStore()}

// Leak: through two methods and a field of a package-level server.
func Serve(k string) {
	v := &Gauge{name: k}
	srv.handle(k, v) // want: leak-risk global-map EE0201
}

// srv2 is a second server, whose entries Forget drops.
var srv2 = &server{st: newStore()}

// Trap: the same path, released through the same path.
func Serve2(k string) {
	v := &Gauge{name: k}
	srv2.handle(k, v) // want: retained global-map EE0201
}

// Forget drops an entry of srv2.
func Forget(k string) { srv2.drop(k) }

// Trap: a server the caller owns, through the same methods.
func ServeLocal(k string) int {
	sv := &server{st: newStore()}
	sv.handle(k, &Gauge{name: k})
	return len(sv.st.items)
}

// registry is a pointer-typed package-level store.
var registry = &store{items: map[string]any{}}

func (s *store) put(k string, v any) { s.Add(k, v) }

// Leak: a method that calls the storing method, on a pointer-typed package-level store.
func Put(k string) {
	g := &Gauge{name: k}
	registry.put(k, g) // want: leak-risk global-map EE0201
}

// Trap: the same two methods on a store made here.
func PutLocal(k string) {
	var s store
	s.items = map[string]any{}
	s.put(k, &Gauge{name: k})
}

// Leak: a label per call, kept by the process-wide store behind the interface.
func Label(k string) {
	Default.Add(k, k+"!") // want: leak-risk global-map EE0201
}

// Leak: straight through the storing method of the pointer-typed package-level store.
func Record(k string) {
	registry.Add(k, &Gauge{name: k}) // want: leak-risk global-map EE0201
}
