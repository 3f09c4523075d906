package registrations

import (
	"context"
	"time"
)

// serverCtx is the server's base context. It can be cancelled, so context.AfterFunc adds
// callbacks to it, but nothing cancels it: it lives as long as the process.
var serverCtx, _ = context.WithCancel(context.Background())

// Leak: a callback per call on a never-cancelled context, stop dropped: each big stays for good.
func FlushWhenDone(big []byte, flush func([]byte)) {
	context.AfterFunc(serverCtx, func() { // want: leak-risk registered-closure EE0205
		flush(big)
	})
}

// Trap: Background is never done, so context.AfterFunc registers the callback nowhere at all.
func OnNever(big []byte, flush func([]byte)) {
	context.AfterFunc(context.Background(), func() {
		flush(big)
	})
}

// Trap: the callback is unregistered by the deferred stop, and ctx is the caller's.
func WithCleanup(ctx context.Context, big []byte, flush func([]byte)) {
	stop := context.AfterFunc(ctx, func() {
		flush(big)
	})
	defer stop()
	flush(big[:0])
}

// Trap: a short timer: the callback is released when it fires, 50ms later.
func Debounce(f func()) {
	time.AfterFunc(50*time.Millisecond, f) // want: retained timer EE0307
}

// Leak: an hour-long timer per call, with no handle to stop it: callbacks pile up.
func RemindLater(note []byte, send func([]byte)) {
	time.AfterFunc(time.Hour, func() { // want: leak-risk timer EE0307
		send(note)
	})
}
