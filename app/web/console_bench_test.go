package web

import (
	"fmt"
	"testing"
)

// BenchmarkConsoleList1000 renders the console's first page (50 rows, each
// reading its organization's figures from its own file) with 1,000
// organizations registered and a pool of 256.
func BenchmarkConsoleList1000(b *testing.B) {
	w := newWorld(b, envOptions{LoginAttempts: 1000})
	for i := range 1000 {
		w.org(fmt.Sprintf("league-%04d", i), fmt.Sprintf("League %04d", i))
	}
	ops := w.as(superPersona, "admin.localhost")
	if res, d := ops.get("/console"); res.StatusCode != 200 || d.Find("#orgs tbody tr").Length() != consolePageSize {
		b.Fatalf("console: %d", res.StatusCode)
	}
	b.ResetTimer()
	for b.Loop() {
		ops.get("/console?page=7")
	}
}
