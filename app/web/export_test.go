package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sportsapp/app/auth"
)

// download fetches path with c and returns the response, its body unread.
func download(c *browser, path string) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

// zipNames reads a downloaded zip and returns its entries by name.
func zipNames(t *testing.T, res *http.Response) map[string][]byte {
	t.Helper()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = data
	}
	return out
}

// TestExportDownloads: the console's export has the database; the org
// admin's has the CSV files only, of their own organization; both are
// audited and leave no temporary file.
func TestExportDownloads(t *testing.T) {
	w := newWorld(t, envOptions{})
	op := w.browser("admin.localhost")
	op.setCookie(auth.PlatformSessionCookie, w.superSession(w.super))
	res := download(op, "/console/orgs/quadball-canada/export")
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "quadball-canada-export-") {
		t.Errorf("Content-Disposition %q", cd)
	}
	entries := zipNames(t, res)
	if _, ok := entries["quadball-canada.sqlite"]; !ok {
		t.Errorf("console export has no database: %v", keys(entries))
	}
	if !strings.Contains(string(entries["people.csv"]), "member@example.org") || strings.Contains(string(entries["people.csv"]), "alberta") {
		t.Errorf("people.csv: %s", entries["people.csv"])
	}
	if res, _ := op.get("/console/orgs/no-such-org/export"); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing org: %d", res.StatusCode)
	}
	audit, err := w.reg.AuditEntries(context.Background(), w.a, 5)
	if err != nil || len(audit) == 0 || audit[0].Action != "org.export" || audit[0].Actor != "ops@example.org" {
		t.Errorf("platform audit of the export: %+v %v", audit, err)
	}

	adm := w.browser("quadball-canada.localhost")
	adm.setCookie(auth.SessionCookie, w.session(w.a, w.admin))
	_, d := adm.get("/admin/export")
	if d.Find(`a[href="/admin/export.zip"]`).Length() != 1 {
		t.Fatalf("no download link on /admin/export")
	}
	res = download(adm, "/admin/export.zip")
	entries = zipNames(t, res)
	if _, ok := entries["quadball-canada.sqlite"]; ok {
		t.Errorf("an org admin's export holds the database")
	}
	if !strings.Contains(string(entries["README.txt"]), "people.csv (3 rows)") {
		t.Errorf("README: %s", entries["README.txt"])
	}
	h, err := w.pool.Acquire(context.Background(), w.a)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	var n int64
	if err := h.DB().R.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'org.export' AND actor = 'admin@example.org'").Scan(&n); err != nil || n != 1 {
		t.Errorf("org audit of the export: %d %v", n, err)
	}
	left, _ := os.ReadDir(filepath.Join(w.dir, "tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
