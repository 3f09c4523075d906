// Package ticks ranges over time.Tick (shape 7): time.Tick is evaluated once per loop, so one
// ticker lives as long as the loop does, not one per turn.
package ticks

import (
	"fmt"
	"time"
)

// One ticker for the loop's life. Before Go 1.23's timers (this module's go line is 1.21)
// the runtime never collects a time.Tick ticker, and Clock is exported: one per call.
func Clock() {
	for range time.Tick(time.Second) { // want(go1.21-1.26): leak-risk timer EE0306 want(go1.27+): heap timer EE0306
		fmt.Println("tick")
	}
}

// Leak: every call starts a goroutine that ticks forever, with its ticker.
func Every(d time.Duration) {
	go func() { // want: leak-risk goroutine EE0303
		for t := range time.Tick(d) { // want(go1.21-1.26): leak-risk timer EE0306 want(go1.27+): heap timer EE0306
			fmt.Println(t)
		}
	}()
}

var (
	counts = map[string]int{}
	ticker = time.NewTicker(time.Minute)
)

// Trap: a package-level ticker next to a map; the map is bounded by its constant keys.
func Count() {
	counts["tick"]++
}
