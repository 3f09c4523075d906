package main

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

// main handles one line of input per iteration, so each function below runs many times.
func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		n := len(in.Text())
		WaitTicks(1)
		lines := make(chan []byte, 1)
		lines <- []byte(in.Text())
		Drain(lines, func(b []byte) { os.Stdout.Write(b) })
		fmt.Println(Sample(1, func() int { return n }))
		done := make(chan struct{})
		Watch(time.Millisecond, done, func() {})
		close(done)
	}
}
