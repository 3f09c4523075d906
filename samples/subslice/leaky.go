// Package subslice shows a small sub-slice that pins a large backing array.
package subslice

// headers keeps the first bytes of each body, by name.
var headers = map[string][]byte{}

// KeepHeader stores body[:16]: the 16-byte slice shares, and so pins, the whole 1 MiB array (leak).
func KeepHeader(name string, body []byte) {
	headers[name] = body[:16]
}

// ForgetHeader removes a stored header; the array it pinned can then be freed.
func ForgetHeader(name string) {
	delete(headers, name)
}
