package main

// Größe has a non-ASCII identifier.
type Größe struct{ W, H int }

// neueGröße returns a literal of the non-ASCII type.
func neueGröße() *Größe {
	return &Größe{W: 1, H: 2} // want: "&Größe{...} escapes to heap"
}
