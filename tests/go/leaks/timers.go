package leaks

import (
	"runtime"
	"time"
)

// Leak (before Go 1.23, and this module is go 1.21): a ticker that is never stopped.
func Heartbeat(beat func()) {
	t := time.NewTicker(time.Second) // want(go1.21-1.26): leak-risk ticker want(go1.27+): heap ticker
	for i := 0; i < 3; i++ {
		<-t.C
		beat()
	}
}

// Trap: the ticker is stopped.
func HeartbeatStopped(beat func()) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for i := 0; i < 3; i++ {
		<-t.C
		beat()
	}
}

// Leak whatever the version: a ticker read by a goroutine that never ends.
func StartTicker(beat func()) {
	go func() { // want: leak-risk goroutine EE0303
		t := time.NewTicker(time.Second) // want: leak-risk ticker EE0305
		for range t.C {
			beat()
		}
	}()
}

// Leak before Go 1.23: time.After in a loop leaves one live timer per iteration.
func Drain(ch <-chan int, use func(int)) {
	for {
		select {
		case v := <-ch:
			use(v)
		case <-time.After(time.Minute): // want(go1.21-1.26): leak-risk timer want(go1.27+): heap timer
			return
		}
	}
}

// Leak: a long AfterFunc per call, with no handle to stop it.
func Remind(note []byte, send func([]byte)) {
	time.AfterFunc(24*time.Hour, func() { // want: leak-risk timer want: leak-risk registered-closure
		send(note)
	})
}

// Trap: a short AfterFunc: the callback is released within a second.
func Debounce(flush func()) {
	time.AfterFunc(100*time.Millisecond, flush) // want: retained timer EE0307
}

// Leak: the finalizer refers to the object itself, so the object is never collected.
type Resource struct{ fd int }

func Open(fd int, release func(int)) *Resource {
	r := &Resource{fd: fd}
	runtime.SetFinalizer(r, func(_ *Resource) { // want: leak-risk registered-closure EE0308
		release(r.fd)
	})
	return r
}

// Trap: the finalizer uses its parameter.
func OpenSafe(fd int, release func(int)) *Resource {
	r := &Resource{fd: fd}
	runtime.SetFinalizer(r, func(r *Resource) {
		release(r.fd)
	})
	return r
}
