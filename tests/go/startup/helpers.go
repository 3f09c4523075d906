package startup

import (
	"os/exec"
	"testing"
)

type lookup struct{ err error }

// lookups caches executable lookups for tests.
var lookups = map[string]*lookup{}

// Trap: a helper that takes a testing.TB runs in a test binary, which ends with its tests.
func MustHaveTool(t testing.TB, name string) {
	l, ok := lookups[name]
	if !ok {
		_, err := exec.LookPath(name)
		l = &lookup{err: err}
		lookups[name] = l // want: retained global-map EE0201
	}
	if l.err != nil {
		t.Skipf("%s not found", name)
	}
}

// toolUses counts uses of each tool in the program.
var toolUses = map[string]int{}

// Leak: the same cache without a testing.TB runs in the program itself.
func HaveTool(name string) bool {
	_, err := exec.LookPath(name)
	toolUses[name]++ // want: leak-risk global-map EE0201
	return err == nil
}
