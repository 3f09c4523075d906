package main

import (
	"fmt"
	"time"
)

// Trap: one ticker for the loop's life, in a function only main starts, once.
func clock() {
	for range time.Tick(time.Minute) { // want(go1.21-1.26): retained timer EE0306 want(go1.27+): heap timer EE0306
		fmt.Println("minute")
	}
}
