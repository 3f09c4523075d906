package registrations

import (
	"context"
	"time"
)

// serverCtx lives as long as the process; shutdown is called only when it exits.
var serverCtx, shutdown = context.WithCancel(context.Background())

// Leak: each call registers a callback on a context that is cancelled only at exit, and the
// stop function that would unregister it is dropped: the callback and big stay until then.
func OnShutdown(big []byte, flush func([]byte)) {
	context.AfterFunc(serverCtx, func() { // want: leak-risk registered-closure
		flush(big)
	})
}

// Trap: context.Background is never done, so context.AfterFunc does not register the
// callback anywhere: nothing keeps it once the dropped stop function is gone.
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
	time.AfterFunc(50*time.Millisecond, f) // want: retained timer
}

// Leak: an hour-long timer per call, with no handle to stop it: callbacks pile up.
func RemindLater(note []byte, send func([]byte)) {
	time.AfterFunc(time.Hour, func() { // want: leak-risk timer
		send(note)
	})
}
