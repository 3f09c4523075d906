package main

// The directive below makes the compiler report the following lines as lines
// of templates/point.tmpl, starting at line 40, so "moved to heap: p" is
// reported at templates/point.tmpl:41 with no column. Go 1.27 resolves the
// relative name against this file's directory and prints
// ./templates/point.tmpl:41 instead.

//line templates/point.tmpl:40
func fromTemplate() *Point {
	p := Point{X: 9}
	return &p
}
