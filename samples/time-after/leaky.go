// Package timeafter shows time.After in a loop beside one reusable timer.
package timeafter

import "time"

// Drain creates a new timer with time.After on every iteration: before Go 1.23 each one lives until it fires (leak-risk).
func Drain(ch <-chan int, idle time.Duration) int {
	n := 0
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				return n
			}
			n += v
		case <-time.After(idle):
			return n
		}
	}
}
