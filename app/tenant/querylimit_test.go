package tenant

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// bareLimit is a LIMIT taking a bound parameter as it is.
var bareLimit = regexp.MustCompile(`(?i)\bLIMIT\s+(\?|@|:|\$|sqlc\.n?arg\()`)

// TestNoBareLimitParameter: every LIMIT parameter goes through CAST(... AS
// INTEGER). SQLite plans a bare "LIMIT ?" with the value bound to it and
// marks the statement to be prepared again whenever that value changes, so
// a cached statement called with a new limit (the dashboard's 5 after the
// home page's 3) is parsed and planned again inside sqlite3_step, and a
// statement prepared per call is prepared twice. Through CAST the limit is
// an expression SQLite does not look into; the plans of these small
// queries do not depend on it.
func TestNoBareLimitParameter(t *testing.T) {
	files, err := filepath.Glob("../../queries/*/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries found: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range bareLimit.FindAllIndex(b, -1) {
			t.Errorf("%s: %q: write LIMIT CAST(sqlc.arg(limit) AS INTEGER)", f, b[m[0]:min(len(b), m[1]+12)])
		}
	}
}
