// Package app uses the registry; the command imports it, so go test compiles it plainly as
// well as with its tests.
package app

import (
	"sort"

	"example.com/fixtures/variants/registry"
)

// App names what it saw.
type App struct {
	reg  *registry.Registry
	seen map[string]bool
}

// New returns an app with its own registry.
func New() *App {
	return &App{reg: registry.New(), seen: map[string]bool{}}
}

// See records a name.
func (a *App) See(name string) {
	a.seen[name] = true
	a.reg.Add(name)
}

// Names lists the names seen, sorted.
func (a *App) Names() []string {
	names := registry.Keys(a.seen)
	sort.Strings(names)
	return names
}
