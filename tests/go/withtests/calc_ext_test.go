package calc_test

import (
	"fmt"
	"testing"

	"example.com/fixtures/withtests"
)

// TestExternal is an external test (package calc_test); its diagnostics come
// under their own package header.
// go test -gcflags='-m -l' reports on the next line: leaking param: t.
func TestExternal(t *testing.T) {
	a := calc.NewAcc()
	a.Add(1)
	if a.Sum() != 1 {
		// go test -gcflags='-m -l' reports on the next line: "wrong sum" escapes to heap; ... argument does not escape.
		t.Error("wrong sum")
	}
}

// ExampleAcc prints a sum.
func ExampleAcc() {
	a := calc.NewAcc()
	a.Add(4)
	// The boxed call result is printed in method-expression form.
	// go test -gcflags='-m -l' reports on the next line: (*calc.Acc).Sum(a) escapes to heap; ... argument does not escape.
	fmt.Println(a.Sum())
	// Output: 4
}
