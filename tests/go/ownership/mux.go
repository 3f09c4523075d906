package ownership

import "net/http"

// mux is the package's own mux, made once and kept for the life of the process.
var mux = http.NewServeMux()

// Leak: every call adds a handler to the package-level mux, and each handler keeps its buffer.
func Publish(path string, big []byte) {
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { // want: leak-risk registered-closure EE0205
		w.Write(big)
	})
}

// Trap: the mux is made here and returned, so the caller owns it and the handlers on it.
func NewRouter(big []byte) *http.ServeMux {
	r := http.NewServeMux()
	r.HandleFunc("/x", func(w http.ResponseWriter, req *http.Request) { // want: heap EE0106
		w.Write(big)
	})
	return r
}

// Trap: a mux local to one request, never returned or stored: it is garbage after the call.
func ServeOnce(w http.ResponseWriter, req *http.Request) {
	big := make([]byte, 4096)
	local := http.NewServeMux()
	local.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { // want: heap EE0106
		w.Write(big)
	})
	local.ServeHTTP(w, req)
}

// Trap: the mux is a parameter; Mount adds to whatever mux the caller passes and owns.
func Mount(m *http.ServeMux, big []byte) {
	m.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { // want: heap EE0106
		w.Write(big)
	})
}

// Leak: a handler that registers another handler on http.DefaultServeMux for every request.
func HandleShare(w http.ResponseWriter, r *http.Request) {
	big := make([]byte, 64<<10)
	http.HandleFunc("/shared/"+r.FormValue("id"), func(w http.ResponseWriter, _ *http.Request) { // want: leak-risk registered-closure EE0205
		w.Write(big)
	})
}

// Trap: registered once, in init: the handler stays, but there is only ever one.
func init() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { // want: retained registered-closure EE0205
		w.WriteHeader(http.StatusNoContent)
	})
}
