// Package timers123 is the same timer code as the leaks fixture, in a module at go 1.23:
// here unreferenced timers and tickers are collected even when not stopped, so only the
// ticker kept by a goroutine that never ends is a leak risk.
package timers123

import "time"

// Collected since Go 1.23 once the function returns.
func Heartbeat(beat func()) {
	t := time.NewTicker(time.Second) // want: heap ticker EE0305
	for i := 0; i < 3; i++ {
		<-t.C
		beat()
	}
}

// Still a leak: the goroutine never ends and keeps the ticker referenced.
func StartTicker(beat func()) {
	go func() { // want: leak-risk goroutine EE0303
		t := time.NewTicker(time.Second) // want: leak-risk ticker EE0305
		for range t.C {
			beat()
		}
	}()
}

// Collected since Go 1.23: each iteration's timer is freed once the select moves on.
func Drain(ch <-chan int, use func(int)) {
	for {
		select {
		case v := <-ch:
			use(v)
		case <-time.After(time.Minute): // want: heap timer EE0306
			return
		}
	}
}
