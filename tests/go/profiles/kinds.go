package profiles

// Stat counts one kind of event.
type Stat struct {
	N    int
	Last [256]byte
}

// stats is keyed by the kind of event. The source shows a map that gains a key for every new
// kind and never loses one (a leak risk); this program has four kinds, four small allocations
// in all, too few for the heap profile to sample: the run does not exercise the risk.
var stats = map[string]*Stat{}

// Count counts an event of the given kind.
func Count(kind string) {
	s := stats[kind]
	if s == nil {
		s = &Stat{}
		stats[kind] = s
	}
	s.N++
}
