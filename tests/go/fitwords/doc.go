// Package fitwords holds shapes whose findings must read true to the code beside them: a
// forgotten sender whose receiver ranges over the channel (in the function, or in a function it
// calls) and stops early; a goroutine that ranges over a channel nothing closes; a goroutine
// stopped by a timer's channel, or by a channel nothing signals; and zero-size values that
// "escape to heap" but allocate nothing. Expected findings are trailing comments: "want:" with
// the verdict, the holder kind and the code.
package fitwords
