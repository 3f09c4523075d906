// Package words shows diagnostics whose plain reading misleads: constants that "escape to
// heap" when converted to an interface but are never allocated (the interface points at
// read-only data), beside values that are really boxed; and method values, which allocate a
// closure, not an interface box. Expected findings are trailing comments: "want:" with the
// verdict.
package words
