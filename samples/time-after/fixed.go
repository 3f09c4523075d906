package timeafter

import "time"

// DrainTimer creates one timer outside the loop and resets it after each value: a single timer for the whole loop.
func DrainTimer(ch <-chan int, idle time.Duration) int {
	t := time.NewTimer(idle)
	defer t.Stop()
	n := 0
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				return n
			}
			n += v
			if !t.Stop() {
				select {
				case <-t.C: // drain a value that fired meanwhile (needed before Go 1.23)
				default:
				}
			}
			t.Reset(idle)
		case <-t.C:
			return n
		}
	}
}
