package calc

import "testing"

// TestAdd is an internal test (same package). Test functions leak their
// *testing.T; fmt-style helpers box their arguments.
// go test -gcflags='-m -l' reports on the next line: leaking param: t.
func TestAdd(t *testing.T) {
	a := NewAcc()
	a.Add(2)
	a.Add(3)
	if got := a.Sum(); got != 5 {
		// go test -gcflags='-m -l' reports on the next line: ... argument does not escape; got escapes to heap.
		t.Fatalf("Sum() = %d, want 5", got)
	}
}
