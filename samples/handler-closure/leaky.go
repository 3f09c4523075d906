// Package handlerclosure shows closures registered with http.HandleFunc that keep a large buffer.
package handlerclosure

import "net/http"

// ServeReport registers a new handler on every call, each capturing its own 1 MiB buffer: the mux keeps them all (leak).
func ServeReport(path string) {
	big := make([]byte, 1<<20)
	http.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Write(big)
	})
}
