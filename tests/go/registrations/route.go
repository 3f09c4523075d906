package registrations

import "net/http"

// Route registers h on http.DefaultServeMux; it only forwards its parameter.
func Route(p string, h http.HandlerFunc) {
	http.HandleFunc(p, h)
}

// Leak: every request registers, through Route, a new handler that keeps a 64 KiB buffer.
func HandlePublish(w http.ResponseWriter, r *http.Request) {
	buf := make([]byte, 64<<10)
	Route("/pub/"+r.FormValue("name"), func(w http.ResponseWriter, _ *http.Request) { // want: leak-risk registered-closure EE0205
		w.Write(buf)
	})
}
