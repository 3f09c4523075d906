// Package pinning shows sub-slices and substrings that pin their whole backing array. Keeping
// buf[:16], str[:8] or one field of strings.Split keeps every byte of the original buffer or
// string alive, however small the kept part is and whether or not the holder deletes old
// entries (a delete bounds how many buffers are kept, not how large each one is). Copying the
// part first (bytes.Clone, strings.Clone, append to nil, copy into a new slice) frees the
// original. Expected findings are trailing comments on the store: "want:" with the verdict and
// the holder kind. A leak-risk finding on a line without one is a false alarm.
package pinning
