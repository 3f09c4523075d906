// Command basics calls every fixture function once so that nothing is dead
// code. The fixtures themselves live in the other files of this module; each
// carries its expected -m -l diagnostics as trailing want comments (see
// tests/go/README.md).
package main

func main() {
	useReturns()
	useParams()
	useGlobals()
	useClosures()
	useIface()
	useStrings()
	useSizes()
	useGenerics()
	useLib()
	useUnsafe()
	_ = spaced()
	_ = neueGröße()
	_ = fromTemplate()
}
