package profiles

import "time"

// StartWorkers starts n goroutines that never return.
func StartWorkers(n int) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				time.Sleep(time.Hour)
			}
		}()
	}
}

// First returns the first answer and leaves the other senders blocked forever on an
// unbuffered channel nobody receives from again.
func First(names []string) string {
	ch := make(chan string)
	for _, n := range names {
		go func(n string) {
			ch <- n + "!"
		}(n)
	}
	return <-ch
}

// Search returns the backend's answer, or "" once cancel is closed; when cancel wins, the
// goroutine is left blocked forever on its send.
func Search(backend func() string, cancel <-chan struct{}) string {
	ch := make(chan string)
	go func() { ch <- backend() }()
	select {
	case r := <-ch:
		return r
	case <-cancel:
		return ""
	}
}
