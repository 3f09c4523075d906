package handlerclosure

import "net/http"

// init registers the handler once, with the data loaded once: the mux keeps one closure and one buffer (bounded).
func init() {
	report := loadReport()
	http.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Write(report)
	})
}

// loadReport builds the 1 MiB report served by the handler registered in init.
func loadReport() []byte {
	return make([]byte, 1<<20)
}
