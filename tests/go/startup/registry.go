package startup

import "fmt"

// Driver opens connections.
type Driver interface{ Open(name string) error }

// drivers takes each name once.
var drivers = map[string]Driver{}

// Trap: a second registration of a name panics, so the registry holds one entry per name the
// program registers, as database/sql.Register does.
func AddDriver(name string, d Driver) {
	if _, dup := drivers[name]; dup {
		panic("startup: AddDriver called twice for " + name)
	}
	drivers[name] = d // want: retained global-map EE0201
}

// labels is checked, but not for duplicates.
var labels = map[string]fmt.Stringer{}

// Leak: the panic guards the value, not the name: every new name adds an entry.
func Label(name string, s fmt.Stringer) {
	if s == nil {
		panic("startup: nil label")
	}
	labels[name] = s // want: leak-risk global-map EE0201
}

// hooks is filled by registerHook, which other packages reach with //go:linkname.
var hooks []func()

// Trap: an unexported register function the package never calls: its callers are elsewhere,
// at start-up.
func registerHook(f func()) {
	hooks = append(hooks, f) // want: retained global-slice EE0202
}

// watchers grows with every watch.
var watchers []func()

// Leak: an unexported register function the package itself calls on every Watch: the call
// graph decides, not the name.
func registerWatcher(f func()) {
	watchers = append(watchers, f) // want: leak-risk global-slice EE0202
}

// Watch adds a watcher per call.
func Watch(f func()) {
	registerWatcher(f)
}
