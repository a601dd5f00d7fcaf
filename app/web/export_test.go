package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestConsoleSchedulesDeletion: only a suspended org; confirmed; the date
// shown; cancel and reactivation both cancel it.
func TestConsoleSchedulesDeletion(t *testing.T) {
	w := newWorld(t, envOptions{})
	op := w.browser("admin.localhost")
	op.setCookie(auth.PlatformSessionCookie, w.superSession(w.super))
	_, d := op.get("/console/orgs/quadball-alberta")
	if !strings.Contains(d.Find("#offboarding").Text(), "suspend it first") {
		t.Fatalf("active org: %s", d.Find("#offboarding").Text())
	}
	if res := op.post("/console/orgs/quadball-alberta/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("delete an active org: %d", res.StatusCode)
	}
	if res := op.post("/console/orgs/no-such-org/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("delete a missing org: %d", res.StatusCode)
	}
	op.post("/console/orgs/quadball-alberta/suspend", url.Values{"confirm": {"yes"}})
	res := op.post("/console/orgs/quadball-alberta/delete", nil)
	if b := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(b, "Delete Quadball Alberta?") {
		t.Fatalf("confirmation: %d", res.StatusCode)
	}
	res = op.post("/console/orgs/quadball-alberta/delete", url.Values{"confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d", res.StatusCode)
	}
	want := time.Now().UTC().Add(30 * 24 * time.Hour).Format("2006-01-02")
	_, d = op.get("/console/orgs/quadball-alberta")
	if text := d.Find("#offboarding").Text(); !strings.Contains(text, "Deletion scheduled for "+want) {
		t.Fatalf("schedule not shown with %s: %s", want, text)
	}
	if res := op.post("/console/orgs/quadball-alberta/delete/cancel", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	_, d = op.get("/console/orgs/quadball-alberta")
	if strings.Contains(d.Find("#offboarding").Text(), "Deletion scheduled") {
		t.Fatal("cancel did not cancel")
	}
	op.post("/console/orgs/quadball-alberta/delete", url.Values{"confirm": {"yes"}})
	op.post("/console/orgs/quadball-alberta/activate", nil)
	_, d = op.get("/console/orgs/quadball-alberta")
	if strings.Contains(d.Find("#offboarding").Text(), "Deletion scheduled") || !strings.Contains(d.Text(), "Cancelled the organization's deletion") {
		t.Fatalf("reactivation did not cancel: %s", d.Find("#offboarding").Text())
	}
}

// TestExportIsRateLimited: each export copies the database, so one client
// gets 10 a minute on each download route, like sign-ins.
func TestExportIsRateLimited(t *testing.T) {
	w := newWorld(t, envOptions{})
	adm := w.browser("quadball-canada.localhost")
	adm.setCookie(auth.SessionCookie, w.session(w.a, w.admin))
	codes := map[int]int{}
	for range 11 {
		res := download(adm, "/admin/export.zip")
		io.Copy(io.Discard, res.Body)
		codes[res.StatusCode]++
	}
	if codes[http.StatusOK] != 10 || codes[http.StatusTooManyRequests] != 1 {
		t.Errorf("11 exports in a minute: %v", codes)
	}
}
