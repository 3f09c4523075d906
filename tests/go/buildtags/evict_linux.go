package buildtags

// Disconnect removes a connection; the _linux.go name limits this file to linux builds.
func Disconnect(k string) {
	delete(conns, k)
}
