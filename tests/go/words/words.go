package words

import "fmt"

// Name is the package's name.
const Name = "words"

// Trap: every argument is a constant: the compiler says each escapes, nothing is allocated.
func Banner() string {
	return fmt.Sprint(Name, "1.0.0", 42, 3.5, true) // want: stack
}

// Real: a variable converted to an interface is copied into a new heap object.
func Show(n int) string {
	return fmt.Sprint(n * 1000) // want: heap EE0106
}

// Cache calls onRemove for every entry it drops.
type Cache struct {
	items    map[string][]byte
	onRemove func(string)
}

func (c *Cache) remove(k string) { delete(c.items, k) }

// Real: the method value c.remove is a closure bound to c, allocated on the heap.
func New() *Cache {
	c := &Cache{items: map[string][]byte{}}
	c.onRemove = c.remove // want: heap EE0103
	return c
}
