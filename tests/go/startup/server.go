package startup

import (
	"net/http"
)

// Server answers status requests.
type Server struct{ name string }

type statusPage struct{ s *Server }

func (p statusPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte(p.s.name))
}

// Trap: a method that registers its own receiver, wrapped in a value: its callers decide how
// often it runs, and are reported instead.
func (s *Server) HandleStatus(path string) {
	http.Handle(path, statusPage{s})
}

// Leak: registering a new pattern with the process-wide mux on every call.
func ServeUser(name string) {
	http.Handle("/users/"+name, statusPage{&Server{name: name}}) // want: leak-risk registered-closure EE0205
}
