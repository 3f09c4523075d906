// Package guard starts its background work once, behind hand-written guards (shape 6): a
// start that runs once keeps one goroutine, not one per call.
package guard

import (
	"net/http"
	"sync"
	"time"
)

var (
	mu      sync.Mutex
	started bool
)

// Trap: a start-once guard under a lock: one flusher for the life of the process.
func Start() {
	mu.Lock()
	defer mu.Unlock()
	if started {
		return
	}
	started = true
	go flush() // want: retained goroutine EE0303
}

func flush() {
	for {
		time.Sleep(time.Second)
	}
}

// Leak: the same start with no guard, one more flusher per call.
func StartEach() {
	go flush() // want: leak-risk goroutine EE0303
}

// Service has a running field, checked and set.
type Service struct {
	mu      sync.Mutex
	running bool
}

// Trap: a running field checked and set: one loop per service.
func (s *Service) Run() {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
	go s.loop() // want: retained goroutine EE0303
}

func (s *Service) loop() {
	for {
		time.Sleep(time.Second)
	}
}

// Trap: a constant pattern can be registered once (a second registration panics), however
// often Mount runs.
func Mount() {
	http.HandleFunc("/debug/guard", func(w http.ResponseWriter, r *http.Request) { // want: retained registered-closure EE0205
		w.WriteHeader(http.StatusNoContent)
	})
}

// Leak: a pattern made from the argument registers one more handler per new name.
func MountNamed(name string) {
	buf := make([]byte, 64<<10)
	http.HandleFunc("/debug/"+name, func(w http.ResponseWriter, r *http.Request) { // want: leak-risk registered-closure EE0205
		w.Write(buf)
	})
}

// Leak: the same loop with no running check: one more per call.
func (s *Service) RunEach() {
	go s.loop() // want: leak-risk goroutine EE0303
}
