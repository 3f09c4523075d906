package janitor

import "runtime"

// handle owns a descriptor that must be released.
type handle struct {
	fd     int
	closed bool
}

func (h *handle) close() {
	if !h.closed {
		h.closed = true
		h.fd = -1
	}
}

// Trap: the finalizer uses its parameter, not a captured reference, so h can be finalized.
func OpenHandle(fd int) *handle {
	h := &handle{fd: fd} // want: heap EE0102
	runtime.SetFinalizer(h, func(h *handle) { h.close() })
	return h
}

// sum adds up xs.
func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// Trap: a worker that does one job, sends into a buffered channel and returns.
func SumAsync(xs []int) <-chan int {
	ch := make(chan int, 1)
	go func() {
		ch <- sum(xs)
	}()
	return ch
}
