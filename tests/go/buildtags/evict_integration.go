//go:build integration

package buildtags

// Finish removes a job; built only with -tags integration.
func Finish(k string) {
	delete(jobs, k)
}
