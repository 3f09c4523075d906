package main

import (
	"fmt"
	"time"
)

// main handles one line of input per iteration, so each function below runs many times.
func main() {
	var line string
	for {
		if _, err := fmt.Scanln(&line); err != nil {
			return
		}
		n := len(line)
		WaitTicks(1)
		lines := make(chan []byte, 1)
		lines <- []byte(line)
		Drain(lines, func(b []byte) { fmt.Println(len(b)) })
		fmt.Println(Sample(1, func() int { return n }))
		done := make(chan struct{})
		Watch(time.Millisecond, done, func() {})
		close(done)
	}
}
