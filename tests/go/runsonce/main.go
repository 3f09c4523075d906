package main

import (
	"log"
	"net/http"
	"sync"
)

func main() {
	initDefaults()
	http.HandleFunc("/up", HandleUpload)
	http.HandleFunc("/login", login)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

// uploads keeps every upload and is never pruned.
var uploads = map[string]*Upload{}

// Leak: a handler, registered from main, that stores every request's upload for good.
func HandleUpload(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	u := &Upload{Name: name}
	uploads[name] = u // want: leak-risk global-map EE0201
	w.WriteHeader(http.StatusCreated)
}

// codecs is filled by RegisterCodec.
var codecs = map[string]Codec{}

// Trap: an exported Register* function nothing here calls; other packages call it from init.
func RegisterCodec(name string, c Codec) {
	codecs[name] = c // want: retained global-map EE0201
}

// Setting is one configuration value.
type Setting struct{ Value string }

// defaults holds the default settings.
var defaults = map[string]*Setting{}

// Trap: called once, from main, outside any loop.
func initDefaults() {
	defaults["lang"] = &Setting{Value: "en"} // want: retained global-map EE0201
}

// limits holds the limits, filled on first use.
var (
	limits     = map[string]*int{}
	limitsOnce sync.Once
)

// Trap: passed to sync.Once.Do, so it runs once however often Limit is called.
func setup() {
	n := 10
	limits["uploads"] = &n // want: retained global-map EE0201
}

// Limit returns a limit, setting the table up on the first call.
func Limit(name string) int {
	limitsOnce.Do(setup)
	if p, ok := limits[name]; ok {
		return *p
	}
	return 0
}

// sessions keeps every session and is never pruned.
var sessions = map[string]*Session{}

// Leak: named Init*, but called by the login handler for every request.
func InitSession(id string) {
	sessions[id] = &Session{ID: id, Prefs: map[string]string{}} // want: leak-risk global-map EE0201
}

// login is the handler of /login.
func login(w http.ResponseWriter, r *http.Request) {
	InitSession(r.FormValue("id"))
	w.WriteHeader(http.StatusNoContent)
}
