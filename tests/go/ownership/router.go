package ownership

import "net/http"

// Router is a small router of our own. Its Handle and HandleFunc methods have the names of
// the net/http registration functions, but they store into the router they are called on.
type Router struct {
	routes map[string]http.Handler
}

// NewRoutes returns an empty router for the caller to fill and keep.
func NewRoutes() *Router {
	return &Router{routes: map[string]http.Handler{}}
}

// Trap: the store goes into the router's own map, and the router belongs to its caller.
func (r *Router) Handle(pattern string, h http.Handler) {
	r.routes[pattern] = h
}

// Trap: same-named as http.HandleFunc, but it forwards to the router's own Handle.
func (r *Router) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	r.Handle(pattern, http.HandlerFunc(f))
}

// Trap: a router built per call and returned: the closure lives as long as the caller's router.
func BuildRoutes(big []byte) *Router {
	rt := NewRoutes()
	rt.HandleFunc("/data", func(w http.ResponseWriter, _ *http.Request) { // want: heap EE0106
		w.Write(big)
	})
	return rt
}
