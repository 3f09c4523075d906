package subslice

import "bytes"

// headerCopies keeps a private copy of the first bytes of each body, by name.
var headerCopies = map[string][]byte{}

// KeepHeaderCopy stores a 16-byte copy: the 1 MiB body is garbage as soon as the caller drops it.
func KeepHeaderCopy(name string, body []byte) {
	headerCopies[name] = bytes.Clone(body[:16])
}

// ForgetHeaderCopy removes a stored copy.
func ForgetHeaderCopy(name string) {
	delete(headerCopies, name)
}
