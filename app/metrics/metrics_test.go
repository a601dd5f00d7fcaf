package metrics

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"

	"sportsapp/app/logging"
	"sportsapp/app/replication"
	"sportsapp/app/tenant"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable fake clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestReadyz(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	var statuses []replication.Status
	var platformErr error
	dir := t.TempDir()
	ready := &Ready{
		Platform:    func(context.Context) error { return platformErr },
		DataDir:     dir,
		Replication: func() []replication.Status { return statuses },
		FailingFor:  5 * time.Minute,
		Now:         clk.now,
	}
	h := New(Options{Log: quiet}).Handler(ready)

	if code, body := get(t, h, "/readyz"); code != http.StatusOK {
		t.Fatalf("healthy: %d %s", code, body)
	}
	if code, _ := get(t, h, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz: %d", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("readyz left %d files in the data directory", len(entries))
	}

	cases := []struct {
		name  string
		setup func()
		ready bool
		says  string
	}{
		{"synced recently with an error", func() {
			statuses = []replication.Status{{Name: "orgs/a", LastSync: clk.t.Add(-time.Minute), Err: "boom"}}
		}, true, ""},
		{"no error, old sync", func() {
			statuses = []replication.Status{{Name: "orgs/a", LastSync: clk.t.Add(-time.Hour)}}
		}, true, ""},
		{"failing for longer than the threshold", func() {
			statuses = []replication.Status{{Name: "orgs/a", LastSync: clk.t.Add(-6 * time.Minute), Err: "boom"}}
		}, false, "replication of orgs/a"},
		{"never synced, failing since start past the threshold", func() {
			statuses = []replication.Status{{Name: "platform", Err: "boom"}}
			clk.t = clk.t.Add(6 * time.Minute)
		}, false, "replication of platform"},
		{"platform database does not answer", func() {
			statuses = nil
			platformErr = errors.New("disk I/O error")
		}, false, "platform database"},
		{"data directory not writable", func() {
			platformErr = nil
			ready.DataDir = filepath.Join(dir, "missing") // creating a file there fails
		}, false, "data directory"},
	}
	for _, tc := range cases {
		tc.setup()
		code, body := get(t, h, "/readyz")
		if got := code == http.StatusOK; got != tc.ready {
			t.Errorf("%s: status %d, want ready=%v\n%s", tc.name, code, tc.ready, body)
		}
		if !tc.ready && (code != http.StatusServiceUnavailable || !strings.Contains(body, tc.says)) {
			t.Errorf("%s: %d %q, want 503 naming %q", tc.name, code, body, tc.says)
		}
	}
}

func TestReadyzReadOnlyDataDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to read-only directories")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if code, _ := get(t, New(Options{Log: quiet}).Handler(&Ready{DataDir: dir}), "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("read-only data directory: %d, want 503", code)
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:9464", false, true},
		{"[::1]:9464", false, true},
		{"localhost:9464", false, true},
		{":9464", false, false},
		{"0.0.0.0:9464", false, false},
		{"10.0.0.5:9464", false, false},
		{"10.0.0.5:9464", true, true},
		{"nonsense", true, false},
	} {
		if err := CheckAddr(tc.addr, tc.remote); (err == nil) != tc.ok {
			t.Errorf("CheckAddr(%q, %v) = %v, want ok=%v", tc.addr, tc.remote, err, tc.ok)
		}
	}
}

// TestSourcesAtScrapeTime: pool, replication, gate and mail series read
// their source when scraped, and replication has no per-database label.
func TestSourcesAtScrapeTime(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	pool := tenant.PoolStats{Open: 3, Waits: 2}
	m := New(Options{Log: quiet, Now: clk.now, Sources: Sources{
		Pool: func() tenant.PoolStats { return pool },
		Replication: func() []replication.Status {
			return []replication.Status{
				{Name: "platform", LastSync: clk.t.Add(-2 * time.Second), InSync: true},
				{Name: "orgs/x", LastSync: clk.t.Add(-90 * time.Second), Err: "denied"},
			}
		},
		Mail: func() MailStats { return MailStats{Queued: 4, Failed: 1} },
	}})
	_, text := get(t, m.Handler(nil), "/metrics")
	pool.Open = 5
	_, text2 := get(t, m.Handler(nil), "/metrics")
	for _, want := range []string{
		"sportsapp_pool_open 3", "sportsapp_pool_waits_total 2",
		"sportsapp_replication_databases 2", "sportsapp_replication_not_in_sync 1",
		"sportsapp_replication_failing 1", "sportsapp_replication_oldest_sync_age_seconds 90",
		"sportsapp_mail_queued 4", "sportsapp_mail_failed_total 1",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(text2, "sportsapp_pool_open 5\n") {
		t.Error("pool gauge not read at scrape time")
	}
	if strings.Contains(text, "orgs/x") {
		t.Error("a database name is a label")
	}
	var p expfmt.TextParser
	if _, err := p.TextToMetricFamilies(strings.NewReader(text)); err != nil {
		t.Fatalf("parse: %v", err)
	}
}

func TestSlowQueries(t *testing.T) {
	var logs bytes.Buffer
	m := New(Options{Log: slog.New(slog.NewTextHandler(&logs, nil)), SlowQuery: 50 * time.Millisecond})
	obs := m.QueryObserver("quadball-canada")
	ctx := logging.WithRequestID(context.Background(), "req-42")
	obs(ctx, "TeamList", time.Millisecond, nil)
	obs(ctx, "EventList", 80*time.Millisecond, nil)
	obs(context.Background(), "PaymentList", 120*time.Millisecond, errors.New("interrupted"))
	slow := m.SlowQueries()
	if len(slow) != 2 || slow[0].Query != "PaymentList" || slow[1].Query != "EventList" || slow[0].Err != "interrupted" ||
		slow[1].RequestID != "req-42" || slow[0].RequestID != "" {
		t.Fatalf("slow = %+v", slow)
	}
	if !strings.Contains(logs.String(), "request_id=req-42 org=quadball-canada query=EventList dur=80ms") {
		t.Errorf("log:\n%s", logs.String())
	}
	_, text := get(t, m.Handler(nil), "/metrics")
	if !strings.Contains(text, `sportsapp_sqlite_slow_queries_total{query="EventList"} 1`) ||
		!strings.Contains(text, `sportsapp_sqlite_query_duration_seconds_count{query="TeamList"} 1`) {
		t.Errorf("query series missing:\n%s", text)
	}
}

func TestUsageBounded(t *testing.T) {
	u := NewUsage(2)
	u.request("a", "alpha", false)
	u.request("b", "beta", true)
	u.request("b", "beta", false)
	u.request("c", "gamma", true) // over the bound
	u.coldOpen("a", "alpha", 4096)
	top := u.Top(20)
	if len(top) != 2 || top[0].Slug != "beta" || top[0].Requests != 2 || top[0].Writes != 1 || top[1].ColdOpens != 1 {
		t.Errorf("top = %+v", top)
	}
	if u.Others.Requests != 1 || u.Others.Writes != 1 {
		t.Errorf("others = %+v", u.Others)
	}
	if got := u.Top(1); len(got) != 1 {
		t.Errorf("Top(1) = %d rows", len(got))
	}
	if got := u.TopBy(20, ByBytes, nil); got[0].Slug != "alpha" || got[0].Bytes != 4096 {
		t.Errorf("by bytes = %+v", got)
	}
	if got := u.TopBy(20, ByLag, map[string]float64{"a": 12}); got[0].Slug != "alpha" || got[0].LagSeconds != 12 || got[1].LagSeconds != 0 {
		t.Errorf("by lag = %+v", got)
	}
	if got := u.TopBy(20, ByColdOpens, nil); got[0].Slug != "alpha" {
		t.Errorf("by cold opens = %+v", got)
	}
}

func TestWindow(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	w := newWindow(clk.now)
	w.add(10*time.Millisecond, false)
	w.add(30*time.Millisecond, true)
	clk.t = clk.t.Add(30 * time.Second)
	w.add(20*time.Millisecond, false)
	r := w.recent()
	if r.Requests != 3 || r.Errors != 1 || r.MeanOf != 20*time.Millisecond || r.Slowest != 30*time.Millisecond {
		t.Errorf("recent = %+v", r)
	}
	clk.t = clk.t.Add(45 * time.Second) // the first two are older than a minute
	if r := w.recent(); r.Requests != 1 {
		t.Errorf("after 75 s: %d requests, want 1", r.Requests)
	}
}

// BenchmarkRequest is what the middleware adds to a request: counter,
// histogram, one-minute window and per-org usage.
func BenchmarkRequest(b *testing.B) {
	m := New(Options{Log: quiet})
	b.ReportAllocs()
	for b.Loop() {
		m.Request("/teams/:slug", "GET", 200, 3*time.Millisecond, "0190-org", "quadball-canada")
	}
}
