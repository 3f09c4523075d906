package registrations

import (
	"expvar"
	"net/http"
)

// Trap: hits is published once, when the package is initialized.
var hits = expvar.NewInt("hits")

// Leak: a new expvar per user; expvar never unpublishes a name, so the set only grows.
func HandleHit(w http.ResponseWriter, r *http.Request) {
	user := r.FormValue("user")
	perUser := expvar.NewInt("hits_" + user) // want: leak-risk registered-closure EE0205
	perUser.Add(1)
	hits.Add(1)
}
