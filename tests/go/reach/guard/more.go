package guard

import (
	"net/http"
	"sync"
	"time"
)

var checked bool

// Leak: the guard is checked but never set, so every call starts one more.
func StartChecked() {
	if checked {
		return
	}
	go flush() // want: leak-risk goroutine EE0303
}

var once sync.Once

// Trap: sync.Once runs the start once.
func StartOnce() {
	once.Do(func() {
		go flush() // want: retained goroutine EE0303
	})
}

// Leak: a guard on a local variable is a new guard on every call.
func StartLocal() {
	started := false
	if started {
		return
	}
	started = true
	_ = started
	go flush() // want: leak-risk goroutine EE0303
}

// Trap: a mux made here: its handlers live as long as the mux.
func LocalMux(name string) *http.ServeMux {
	buf := make([]byte, 64<<10)
	mux := http.NewServeMux()
	mux.HandleFunc("/x/"+name, func(w http.ResponseWriter, r *http.Request) { w.Write(buf) })
	return mux
}

// Trap: a goroutine per call that ends when its context-like done channel is closed.
func Tick(done <-chan struct{}) {
	go func() { // want: retained goroutine EE0309
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				flushOnce()
			}
		}
	}()
}

func flushOnce() {}
