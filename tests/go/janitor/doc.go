// Package janitor shows goroutines as holders. A background goroutine keeps everything it
// refers to for as long as it runs: one with a way out (a stop channel that Close or a
// finalizer closes, a context) is retained, one that loops forever and is started per call
// is a leak risk. A finalizer keeps nothing alive by itself: registering one is not a holder.
// Expected findings are trailing comments on the go statement: "want:" with the verdict and
// the holder kind. A leak-risk finding on a line without one is a false alarm.
package janitor

import "time"

// entry is a cached value with its expiry time.
type entry struct {
	v       []byte
	expires time.Time
}
