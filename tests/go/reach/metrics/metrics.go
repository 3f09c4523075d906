// Package metrics keeps values through methods of process-wide objects (shapes 1 and 2):
// a package-level interface or pointer whose method stores what it is given keeps it for the
// life of the process; the same method on an object the caller made keeps nothing long-lived.
package metrics

import (
	"sync"
	"sync/atomic"
)

// Store keeps named values.
type Store interface {
	Add(name string, v any)
}

type store struct {
	mu    sync.Mutex
	items map[string]any
}

func newStore() *store { return &store{items: map[string]any{}} }

// Add keeps v under name.
func (s *store) Add(name string, v any) {
	s.mu.Lock()
	s.items[name] = v
	s.mu.Unlock()
}

// Default is the process-wide store, behind an interface.
var Default Store = newStore()

// Gauge is one named value.
type Gauge struct {
	name string
	val  [16]int64
}

// Leak: every gauge is added to the process-wide store, and nothing removes it.
func NewGauge(name string) *Gauge {
	g := &Gauge{name: name}
	Default.Add(name, g) // want: leak-risk global-map EE0201
	return g
}

// Trap: the same Add on a store the caller made and drops.
func Snapshot(names []string) int {
	s := newStore()
	for _, n := range names {
		g := &Gauge{name: n}
		s.Add(n, g)
	}
	return len(s.items)
}

// counters is the process-wide store, behind a pointer, with a release.
var counters = newStore()

// Remove drops a counter.
func (s *store) Remove(name string) {
	s.mu.Lock()
	delete(s.items, name)
	s.mu.Unlock()
}

// Counter is one named count.
type Counter struct{ n [8]int64 }

// Trap: kept by the package-level store, but Remove deletes from it: retained.
func NewCounter(name string) *Counter {
	c := &Counter{}
	counters.Add(name, c) // want: retained global-map EE0201
	return c
}

// Drop removes a counter from the process-wide store.
func Drop(name string) { counters.Remove(name) }

type journal struct {
	entries []string
}

func (j *journal) record(e string) {
	j.entries = append(j.entries, e)
}

// state is the package's only journal; record is only ever called on it.
var state struct {
	journal journal
	hits    int
}

// Leak: the journal is package-level, and its entries only grow.
func Hit(path string) {
	line := "hit " + path
	state.journal.record(line) // want: leak-risk global-slice EE0202
	state.hits++
}

type ledger struct {
	rows []string
}

func (l *ledger) add(r string) { l.rows = append(l.rows, r) }

// books is package-level, but add is also called on ledgers callers own.
var books ledger

// Trap: a local ledger, the same method.
func Tally(rows []string) int {
	var l ledger
	for _, r := range rows {
		l.add(r + "!")
	}
	return len(l.rows)
}

// Leak: add also runs on ledgers callers own, but at this call site the receiver is the
// package-level ledger, and its rows only grow.
func Book(r string) {
	row := r + "\n"
	books.add(row) // want: leak-risk global-slice EE0202
}

// byName is a process-wide sync.Map.
var byName sync.Map

// Trap: filled once, in init.
func init() {
	byName.Store("boot", &Gauge{name: "boot"}) // want: retained global-map EE0201
}

// Leak: one more gauge per new name, and nothing deletes.
func Track(n string) {
	g := &Gauge{name: n}
	byName.Store(n, g) // want: leak-risk global-map EE0201
}

// Config is the current configuration.
type Config struct{ Limits [64]int }

// current holds one configuration at a time.
var current atomic.Pointer[Config]

// Trap: an atomic store replaces the one value the pointer holds.
func Reload(c Config) {
	current.Store(&c)
}
