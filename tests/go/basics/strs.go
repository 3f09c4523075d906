package main

// greet returns a concatenation, which is allocated on the heap.
func greet(name string) string { // want: "name does not escape"
	return "hello, " + name // want: "\"hello, \" + name escapes to heap"
}

// greetLen builds a concatenation that is only measured.
func greetLen(name string) int { // want: "name does not escape"
	s := "hi " + name // want: "\"hi \" + name does not escape"
	return len(s)
}

// toBytes returns a converted copy of a string.
func toBytes(s string) []byte { // want: "s does not escape"
	// The converted copy escapes; s itself does not.
	return []byte(s) // want: "([]byte)(s) escapes to heap"
}

// countA converts a string to bytes and only reads them: since Go 1.22 this
// conversion reuses the string's memory.
func countA(s string) int { // want: "s does not escape"
	n := 0
	// Since 1.22 also: zero-copy string->[]byte conversion.
	for _, c := range []byte(s) { // want: "([]byte)(s) does not escape" want(go1.22+): "zero-copy string->[]byte conversion"
		if c == 'a' {
			n++
		}
	}
	return n
}

// fromBytes converts bytes back to a string that is returned.
func fromBytes(b []byte) string { // want: "b does not escape"
	return string(b) // want: "string(b) escapes to heap"
}

// useStrings calls the fixtures above; literals built as call arguments are
// reported at these call sites.
func useStrings() {
	_ = greet("x")
	_ = greetLen("y")
	_ = toBytes("z")
	_ = countA("banana")
	_ = fromBytes([]byte{'a'}) // want: "[]byte{...} does not escape"
}
