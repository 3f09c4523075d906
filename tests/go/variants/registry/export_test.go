package registry_test

import (
	"fmt"
	"testing"

	"example.com/fixtures/variants/registry"
)

// TestExternal is an external test: its package, registry_test, has its own header.
func TestExternal(t *testing.T) {
	r := registry.New()
	r.Add("b")
	if r.Count("b") != 1 {
		t.Error(fmt.Sprint("wrong count ", r.Count("b")))
	}
}
