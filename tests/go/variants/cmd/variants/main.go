// Command variants prints the names given to it.
package main

import (
	"fmt"
	"os"

	"example.com/fixtures/variants/app"
)

func main() {
	a := app.New()
	for _, name := range os.Args[1:] {
		a.See(name)
	}
	fmt.Println(a.Names())
}
