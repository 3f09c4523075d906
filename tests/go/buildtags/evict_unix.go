//go:build unix

package buildtags

// Logout removes a session; built on every unix system, linux included.
func Logout(k string) {
	delete(sessions, k)
}
