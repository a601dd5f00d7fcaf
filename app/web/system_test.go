package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/common/expfmt"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/metrics"
	"sportsapp/app/tenant"
)

// scrape reads the metrics listener's /metrics and returns the value of
// the sample of family name whose labels include every pair in want (0 if
// there is none).
func scrape(t *testing.T, h http.Handler, name string, want map[string]string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	fam, ok := fams[name]
	if !ok {
		return 0
	}
	var sum float64
next:
	for _, m := range fam.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

// TestMetricsCountRequestsByRoute: N requests move the counter of their
// route pattern (not the raw path), method and status class by exactly N.
func TestMetricsCountRequestsByRoute(t *testing.T) {
	m := metrics.New(metrics.Options{Log: quiet})
	e := newEnvWith(t, envOptions{Metrics: m, PoolOptions: tenant.PoolOptions{OnOpened: m.ColdOpen}})
	o := e.org("metrics-club", "Metrics Club")
	h := m.Handler(nil)
	login := map[string]string{"route": "/login", "method": "GET", "code": "2xx"}
	teams := map[string]string{"route": "/teams/:slug", "method": "GET", "code": "3xx"}
	before := scrape(t, h, "sportsapp_http_requests_total", login)
	const n = 7
	for range n {
		if res := e.get("metrics-club.localhost", "/login"); res.StatusCode != http.StatusOK {
			t.Fatalf("GET /login: %d", res.StatusCode)
		}
		e.get("metrics-club.localhost", "/teams/some-team") // anonymous: to the sign-in page
	}
	if got := scrape(t, h, "sportsapp_http_requests_total", login) - before; got != n {
		t.Errorf("GET /login 2xx moved by %v, want %d", got, n)
	}
	if got := scrape(t, h, "sportsapp_http_requests_total", teams); got != n {
		t.Errorf("GET /teams/:slug 3xx = %v, want %d", got, n)
	}
	if got := scrape(t, h, "sportsapp_http_request_duration_seconds", map[string]string{"route": "/login"}); got != n {
		t.Errorf("latency observations for /login = %v, want %d", got, n)
	}
	e.get("metrics-club.localhost", "/no/such/page")
	if got := scrape(t, h, "sportsapp_http_requests_total", map[string]string{"route": "unmatched", "code": "4xx"}); got != 1 {
		t.Errorf("unmatched 4xx = %v, want 1", got)
	}
	if got := scrape(t, h, "sportsapp_pool_opens_total", nil); got != 0 {
		t.Errorf("pool series without a pool source = %v", got)
	}
	if got := scrape(t, h, "sportsapp_pool_open_duration_seconds", nil); got != 1 {
		t.Errorf("cold opens observed = %v, want 1", got)
	}
	top := m.Usage.Top(20)
	if len(top) != 1 || top[0].Slug != o.Slug || top[0].Requests != 2*n+1 || top[0].ColdOpens != 1 {
		t.Errorf("usage = %+v, want %s with %d requests and 1 cold open", top, o.Slug, 2*n+1)
	}
	if got := scrape(t, h, "go_goroutines", nil); got == 0 {
		t.Error("no Go runtime series: the default registry is not gathered")
	}
}

// TestMetricsNotOnThePublicApp: the metrics listener's paths are 404 on
// every kind of Host of the public app.
func TestMetricsNotOnThePublicApp(t *testing.T) {
	m := metrics.New(metrics.Options{Log: quiet})
	e := newEnvWith(t, envOptions{Metrics: m})
	e.org("metrics-club", "Metrics Club")
	for _, host := range []string{"metrics-club.localhost", "admin.localhost", "localhost", "nosuch.localhost", "127.0.0.1"} {
		for _, path := range []string{"/metrics", "/healthz", "/readyz", "/debug/pprof/", "/debug/pprof/heap"} {
			res := e.get(host, path)
			if res.StatusCode != http.StatusNotFound && !(host == "localhost" && res.StatusCode == http.StatusFound) {
				t.Errorf("%s%s: %d, want 404", host, path, res.StatusCode)
			}
			if strings.Contains(body(t, res), "go_goroutines") {
				t.Errorf("%s%s served metrics", host, path)
			}
		}
	}
}

// TestSystemPage: the console's system page shows the figures, and its
// htmx poll gets just the partial.
func TestSystemPage(t *testing.T) {
	m := metrics.New(metrics.Options{Log: quiet, Sources: metrics.Sources{Gate: auth.Stats}})
	e := newEnvWith(t, envOptions{Metrics: m})
	e.org("busy-club", "Busy Club")
	e.get("busy-club.localhost", "/login")
	token := e.superSession(e.superAdmin("ops@example.org", "operator password 1"))
	cookie := auth.PlatformSessionCookie + "=" + token

	res := e.get("admin.localhost", "/console/system", "Cookie", cookie)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("system page: %d %s", res.StatusCode, body(t, res))
	}
	d := doc(t, res)
	if got := d.Find("#system[hx-get='/console/system?by=requests'][hx-trigger='every 5s']").Length(); got != 1 {
		t.Errorf("polling partial: %d, want 1", got)
	}
	if got := d.Find("#system th:contains('busy-club')").Length(); got != 1 {
		t.Errorf("busy-club in the top organizations: %d rows", got)
	}
	if got := d.Find("#system figure.chart svg[role=img][aria-label*='requests in the last hour'] rect").Length(); got == 0 {
		t.Error("no request bars in the last hour's chart")
	}

	// Another order keeps itself in the poll; an unknown one is a 400.
	res = e.get("admin.localhost", "/console/system?by=bytes", "Cookie", cookie)
	if d := doc(t, res); d.Find("#system[hx-get='/console/system?by=bytes']").Length() != 1 || d.Find("strong[aria-current]:contains('bytes')").Length() != 1 {
		t.Error("by=bytes: the poll or the order marker is missing")
	}
	if res := e.get("admin.localhost", "/console/system?by=rows;drop", "Cookie", cookie); res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown order: %d, want 400", res.StatusCode)
	}

	res = e.get("admin.localhost", "/console/system", "Cookie", cookie, hxRequest, "true")
	b := body(t, res)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(b), `<div id="system"`) {
		t.Errorf("htmx poll: %d, want the partial alone:\n%.200s", res.StatusCode, b)
	}
}

// TestQueryMetrics: through the pool's Observe hook every org query is
// timed by its sqlc name, and one over the threshold is logged, counted
// and listed for the system page with its organization.
func TestQueryMetrics(t *testing.T) {
	m := metrics.New(metrics.Options{Log: quiet, SlowQuery: time.Nanosecond})
	e := newEnvWith(t, envOptions{Metrics: m, PoolOptions: tenant.PoolOptions{Observe: m.OrgQueries}})
	o := e.org("query-club", "Query Club")
	sid := e.session(o, e.user(o, "m@example.org", "Member", account.RoleMember, "member password 1"))
	res := e.get("query-club.localhost", "/", "Cookie", auth.SessionCookie+"="+sid)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", res.StatusCode)
	}
	h := m.Handler(nil)
	if got := scrape(t, h, "sportsapp_sqlite_query_duration_seconds", nil); got == 0 {
		t.Error("no query observed")
	}
	slow := m.SlowQueries()
	if len(slow) == 0 || slow[0].Org != "query-club" || slow[0].Query == "" || strings.Contains(slow[0].Query, " ") {
		t.Errorf("slow queries = %+v, want query-club's, by sqlc name", slow)
	}
	if id := res.Header.Get("X-Request-Id"); len(slow) > 0 && (id == "" || slow[0].RequestID != id) {
		t.Errorf("slow query's request id %q, response's %q", slow[0].RequestID, id)
	}
	if got := scrape(t, h, "sportsapp_sqlite_slow_queries_total", nil); got != float64(len(slow)) {
		t.Errorf("slow counter %v, listed %d", got, len(slow))
	}
}

// sampleSystem fills every box of the system page (TestEveryViewRenders).
var sampleSystem = systemData{Enabled: true, Snapshot: metrics.Snapshot{
	Recent:      metrics.Recent{Requests: 120, PerSecond: 2, Errors: 1, MeanOf: 3 * time.Millisecond, Slowest: 80 * time.Millisecond},
	HasPool:     true,
	Pool:        tenant.PoolStats{Open: 12, Opens: 40, Evictions: 3},
	HasRepl:     true,
	Replication: metrics.ReplicationSummary{Databases: 13, NotInSync: 1, OldestAge: 4},
	Slow:        []metrics.SlowQuery{{At: time.Now(), Org: "quadball-canada", Query: "EventList", Duration: 120 * time.Millisecond}},
	Top:         []metrics.OrgUsage{{Slug: "quadball-canada", Requests: 100, Writes: 4, ColdOpens: 1, Bytes: 2 << 20, LagSeconds: 3}},
	TopBy:       metrics.ByRequests,
}, Requests: sampleReqs, Latency: sampleLat}

var sampleReqs, sampleLat = hourCharts([]metrics.Minute{
	{At: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC), Requests: 10, Mean: time.Millisecond},
	{At: time.Date(2026, 11, 30, 1, 1, 0, 0, time.UTC), Requests: 40, Errors: 2, Mean: 4 * time.Millisecond},
})

// TestHourCharts: the tallest bar is the busiest minute, a minute with
// server errors is marked, and the summary says it in words.
func TestHourCharts(t *testing.T) {
	if len(sampleReqs.Bars) != 2 || sampleReqs.Bars[1].H != 60 || sampleReqs.Bars[0].H != 15 || !sampleReqs.Bars[1].Alert || sampleReqs.Bars[0].Alert {
		t.Errorf("request bars = %+v", sampleReqs.Bars)
	}
	if !strings.Contains(sampleReqs.Summary, "50 requests") || !strings.Contains(sampleReqs.Summary, "2 server errors") {
		t.Errorf("summary = %q", sampleReqs.Summary)
	}
	if sampleLat.Bars[1].H != 60 || !strings.Contains(sampleLat.Bars[1].Title, "4.0 ms") {
		t.Errorf("latency bars = %+v", sampleLat.Bars)
	}
}

// TestPanicIsCountedAndLogged: a handler that panics is answered with the
// 500 page, logged with its request id, and counted as a 5xx (the recover
// runs inside the logging and metrics middleware).
func TestPanicIsCountedAndLogged(t *testing.T) {
	m := metrics.New(metrics.Options{Log: quiet})
	var logs bytes.Buffer
	e := newEnvWith(t, envOptions{Metrics: m, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	e.org("panic-club", "Panic Club")
	e.srv.App().Get("/boom", func(*fiber.Ctx) error { panic("boom") })
	res := e.get("panic-club.localhost", "/boom")
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("panic: %d, want 500", res.StatusCode)
	}
	if got := scrape(t, m.Handler(nil), "sportsapp_http_requests_total", map[string]string{"code": "5xx"}); got != 1 {
		t.Errorf("5xx counted %v times, want 1", got)
	}
	id := res.Header.Get("X-Request-Id")
	if !strings.Contains(logs.String(), "msg=panic request_id="+id) ||
		!strings.Contains(logs.String(), "msg=request request_id="+id) || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("log lacks the panic or the request line for %s:\n%.2000s", id, logs.String())
	}
}
