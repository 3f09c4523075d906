// Command reach uses the packages of the module, so that every package is in the build, and
// shows how often code runs, from evidence (shape 6): main runs once, so goroutines it starts
// a constant number of times are bounded; a handler registered with a constant pattern is
// registered once.
package main

import (
	"net/http"
	"os"
	"time"

	"example.com/reach/api"
	"example.com/reach/guard"
	"example.com/reach/metrics"
	"example.com/reach/ticks"
	"example.com/reach/workers"
)

func main() {
	metrics.NewGauge("up")
	metrics.Hit("/")
	api.Save("k", []byte("v"))
	api.Archive("k", []byte("v"))
	api.Pin("k", []byte("v"))
	workers.NewPoller()
	guard.Start()
	api.Relay("k", []byte("v"))
	api.RelayKept("k", []byte("v"))
	ticks.Every(time.Second)
	// Trap: main starts four pollers, once: bounded.
	for i := 0; i < 4; i++ {
		go poll(i) // want: retained goroutine EE0303
	}
	// Leak-like, but bounded by the command line: one poller per argument, once.
	for _, a := range os.Args[1:] {
		go pollName(a) // want: retained goroutine EE0303
	}
	// Trap: a constant pattern can be registered once (a second registration panics).
	http.Handle("/status", status{}) // want: retained registered-closure EE0205
	// Trap: another package's function that runs for good (its facts say so), started once.
	go ticks.Clock() // want: retained goroutine EE0303
	go clock() // want: retained goroutine EE0303
	accept(make(chan int))
}

// Leak: main's accept loop starts one endless server per connection, for as long as
// connections come: a loop that nothing bounds.
func accept(conns chan int) {
	for {
		c := <-conns
		go serve(c) // want: leak-risk goroutine EE0303
	}
}

func serve(c int) {
	for {
		_ = c
		time.Sleep(time.Second)
	}
}

func poll(i int) {
	buf := make([]byte, 4096)
	for {
		buf[0] = byte(i)
		time.Sleep(time.Second)
	}
}

func pollName(name string) {
	for {
		_ = name
		time.Sleep(time.Second)
	}
}

type status struct{}

func (status) ServeHTTP(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }
