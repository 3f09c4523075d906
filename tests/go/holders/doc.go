// Package holders pairs each way a long-lived holder can keep values alive (a package-level
// map, slice, list head, channel, a registration, a sub-slice) with look-alikes that are
// bounded or not held at all. Each reported line carries the expected finding as a trailing
// comment, "want:" followed by the verdict and the holder kind (or just the verdict for heap
// and stack). A leak-risk finding on a line that does not want one is a false alarm.
package holders

// Session is a value that handlers keep.
type Session struct {
	ID   string
	Data []byte
}

// Item is a cache entry.
type Item struct{ V []byte }

// Job is queued work.
type Job struct{ N int }
