package holders

import (
	"net/http"
	"sort"
)

// Leak: a handler registered per call keeps what it captures for the life of the process.
func Expose(path string, big []byte) {
	http.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { // want: leak-risk registered-closure EE0205
		w.Write(big)
	})
}

// Trap: registered once, in init.
func init() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { // want: retained registered-closure EE0205
		w.WriteHeader(http.StatusOK)
	})
}

// Trap: sort.Slice does not keep its less function.
func SortSessions(ss []*Session) {
	sort.Slice(ss, func(i, j int) bool { return ss[i].ID < ss[j].ID }) // want: stack want: heap
}
