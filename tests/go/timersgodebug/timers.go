package timersgodebug

import "time"

// Leak: every call makes a ticker with time.Tick, which can never be stopped.
func WaitTicks(n int) {
	c := time.Tick(10 * time.Millisecond) // want(go1.23-1.26): leak-risk timer want(go1.27+): heap
	for i := 0; i < n; i++ {
		<-c
	}
}

// Leak: time.After in a loop makes a new timer per iteration, each live for a minute.
func Drain(ch <-chan []byte, use func([]byte)) {
	for {
		select {
		case b := <-ch:
			use(b)
		case <-time.After(time.Minute): // want(go1.23-1.26): leak-risk timer want(go1.27+): heap
			return
		}
	}
}

// Leak: a ticker made per call and never stopped.
func Sample(n int, read func() int) int {
	t := time.NewTicker(time.Second) // want(go1.23-1.26): leak-risk ticker want(go1.27+): heap
	total := 0
	for i := 0; i < n; i++ {
		<-t.C
		total += read()
	}
	return total
}

// Trap: the goroutine that reads the ticker stops it on its way out.
func Watch(d time.Duration, done <-chan struct{}, tick func()) {
	t := time.NewTicker(d)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-t.C:
				tick()
			case <-done:
				return
			}
		}
	}()
}
