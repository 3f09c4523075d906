package fitwords

import "fmt"

type token struct{}

type marker struct {
	_ [0]func()
	t token
}

type pair struct {
	a, b token
}

type sized struct{ n int }

// Trap: zero-size values put in an interface: the compiler says they escape, nothing is
// allocated.
func Announce(sink chan<- any) {
	fmt.Println(token{})     // want: stack EE0003
	fmt.Println(struct{}{})  // want: stack EE0003
	sink <- marker{}         // want: stack EE0003
	sink <- pair{}           // want: stack EE0003
	sink <- &token{}         // want: stack EE0003
	fmt.Println(sized{n: 1}) // want: heap
}
