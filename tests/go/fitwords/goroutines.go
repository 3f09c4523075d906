package fitwords

import "time"

// Leak: the goroutine ranges over jobs, and nothing closes jobs.
func StartWorker(use func(int)) chan<- int {
	jobs := make(chan int)
	go func() { // want: leak-risk goroutine EE0303
		for j := range jobs {
			use(j)
		}
	}()
	jobs <- 0
	return nil
}

// Session is kept by its watcher until the timer fires.
type Session struct {
	events chan string
	seen   []string
}

// Bounded: the goroutine returns when the timer fires, once, after d.
func (s *Session) Watch(d time.Duration) {
	timer := time.NewTimer(d)
	go func() { // want: retained goroutine EE0309
		for {
			select {
			case e := <-s.events:
				s.seen = append(s.seen, e)
			case <-timer.C:
				return
			}
		}
	}()
}

// Leak: the goroutine returns only when something closes or sends on stop, and nothing does.
func (s *Session) Follow() {
	stop := make(chan struct{})
	go func() { // want: leak-risk goroutine EE0309
		for {
			select {
			case e := <-s.events:
				s.seen = append(s.seen, e)
			case <-stop:
				return
			}
		}
	}()
}
