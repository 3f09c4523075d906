package startup

import (
	"flag"
	"strconv"
	"strings"
)

var sizesFlag = flag.String("sizes", "1,2,4", "sizes to try")

// sizes is filled from the command line.
var sizes []int

// Trap: Run parses the command line, so it is start-up code, and so is what only it calls.
func Run() {
	if !flag.Parsed() {
		flag.Parse()
	}
	parseSizes()
}

// Trap: called only from Run; its loop walks the command line, once (Go 1.25+ reports it).
func parseSizes() {
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		sizes = append(sizes, n) // want(go1.25+): retained global-slice
	}
}

// seen grows with every call.
var seen []int

// Leak: an exported function that appends on every call; nothing here says it runs once.
func Record(n int) {
	seen = append(seen, n) // want: leak-risk global-slice EE0202
}
