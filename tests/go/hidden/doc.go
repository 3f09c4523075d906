// Package hidden shows stores into long-lived holders that the compiler's escape flow does not
// show. A buffer too large for the stack is reported as escaping for its size alone, and a
// value passed to an interface method is reported as escaping at that call; in both cases the
// later store into a package-level map is missing from the -m=2 flow and is found in the
// source. The same shapes with a delete elsewhere are only retained. Expected findings are
// trailing comments on the insert: "want:" with the verdict and the holder kind. A leak-risk
// finding on a line without one is a false alarm.
package hidden

import "io"

// Request is a tracked request.
type Request struct {
	ID   int
	Body []byte
}

// Logger records requests.
type Logger interface {
	Log(r *Request)
}

// writerLogger writes the body of each request to w.
type writerLogger struct{ w io.Writer }

func (l writerLogger) Log(r *Request) { l.w.Write(r.Body) }

// logger is an interface variable, so calls through it are not resolved by escape analysis.
var logger Logger = writerLogger{w: io.Discard}
