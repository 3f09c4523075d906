package app

import "testing"

func TestSee(t *testing.T) {
	a := New()
	a.See("x")
	a.See("y")
	if got := a.Names(); len(got) != 2 {
		t.Fatalf("Names() = %v, want two names", got)
	}
}
