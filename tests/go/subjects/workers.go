package subjects

import (
	"fmt"
	"time"
)

// Start starts three workers that never return, each its own leak risk; the text report
// tells it once and lists the other two.
func Start(jobs chan int) {
	go work(jobs) // want: leak-risk goroutine EE0303
	go work(jobs) // want: leak-risk goroutine EE0303
	go work(jobs) // want: leak-risk goroutine EE0303
}

func work(jobs chan int) {
	for {
		<-jobs
	}
}

// Entry has a field named like a method of Schedule.
type Entry struct{ Next time.Time }

// Schedule has a method Next.
type Schedule struct{ every time.Duration }

// Next is the time after t.
func (s Schedule) Next(t time.Time) time.Time { return t.Add(s.every) }

// Log boxes the field e.Next, a time.Time: an interface box, not a method value.
func Log(e *Entry) string {
	return fmt.Sprint("next ", e.Next) // want: heap EE0102
}
