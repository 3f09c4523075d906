package fitwords

func sum(p []int) int {
	t := 0
	for _, v := range p {
		t += v
	}
	return t
}

// Leak: the range returns at the first negative sum; the senders still running block forever.
func FirstNegative(parts [][]int) int {
	ch := make(chan int)
	for _, p := range parts {
		go func(p []int) { // want: leak-risk channel EE0304
			ch <- sum(p)
		}(p)
	}
	n := 0
	for s := range ch {
		if s < 0 {
			return s
		}
		n++
		if n == len(parts) {
			break
		}
	}
	return 0
}

// drain receives every value until the channel is closed.
func drain(ch chan int) int {
	total := 0
	for s := range ch {
		total += s
	}
	return total
}

// Trap: drain ranges over the channel until the producer closes it: every send is received.
func Total(items []int) int {
	ch := make(chan int)
	go func() {
		for _, it := range items {
			ch <- it
		}
		close(ch)
	}()
	return drain(ch)
}

// firstBig stops ranging at the first big value.
func firstBig(ch chan int) int {
	for v := range ch {
		if v > 100 {
			return v
		}
	}
	return 0
}

// Leak: firstBig returns at the first big value and the producer blocks on its next send.
func FirstBig(items []int) int {
	ch := make(chan int)
	go func() { // want: leak-risk channel EE0304
		for _, it := range items {
			ch <- it
		}
		close(ch)
	}()
	return firstBig(ch)
}
