// Package metrics is the monitoring side of the server: Prometheus series
// for requests, the pool, replication, password hashing and mail; the
// health checks; in-memory per-organization usage; and the separate
// listener that serves /metrics, /healthz, /readyz and pprof, never the
// public one. See docs/monitoring.md for every series and alert.
//
// Gauges read the application's own counters at scrape time (GaugeFunc,
// custom collectors), so nothing but request and query observations does
// work on the request path. No series has an organization id or slug as a
// label: a fleet of thousands would make thousands of series per metric.
// Per-organization figures live in Usage, in memory, for the console.
package metrics

import (
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sportsapp/app/auth"
	"sportsapp/app/replication"
	"sportsapp/app/tenant"
)

// Sources are the application's statistics, read at scrape time. Any may
// be nil (its series are then absent).
type Sources struct {
	Pool        func() tenant.PoolStats
	Replication func() []replication.Status
	Gate        func() auth.GateStats
	Mail        func() MailStats
	// OrgSize returns the size of an organization's database file (a
	// stat), read at each cold open for the usage table; nil: not shown.
	OrgSize func(tenant.Org) int64
	// PageCaches returns the page caches' counters (the anonymous pages,
	// the signed-in pages' kept bodies), read at scrape time.
	PageCaches func() []CacheStats
}

// CacheStats are one page cache's figures.
type CacheStats struct {
	Name         string // the cache label: "anonymous", "kept"
	Entries      int
	Hits, Misses uint64
}

// MailStats are the mail outbox's figures (mail.Outbox.Stats).
type MailStats struct {
	Queued int   // messages waiting now
	Sent   int64 // delivered since start
	Failed int64 // given up on after every retry, or dropped
}

// Options configure New.
type Options struct {
	Sources Sources
	// SlowQuery is the duration above which a query is logged and counted
	// as slow (default 100ms).
	SlowQuery time.Duration
	// Log receives slow-query lines (default slog.Default()).
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// MaxOrgs bounds the organizations tracked by Usage (default 10,000).
	MaxOrgs int
}

// Metrics holds the server's series and in-memory figures.
type Metrics struct {
	reg *prometheus.Registry
	now func() time.Time
	log *slog.Logger
	src Sources

	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	coldOpens prometheus.Histogram
	queries   *prometheus.HistogramVec
	slow      *prometheus.CounterVec
	slowAfter time.Duration

	// Usage counts requests, writes and cold opens per organization.
	Usage *Usage
	// Recent keeps the last minute of requests for the console.
	recent *window

	slowMu  sync.Mutex
	slowLog []SlowQuery // the last slowKept slow queries, newest last
}

// New returns metrics reading from opt.Sources, registered in a registry
// of their own; Gatherer adds Prometheus's default registry (Go runtime,
// process, and Litestream's own series).
func New(opt Options) *Metrics {
	if opt.SlowQuery <= 0 {
		opt.SlowQuery = 100 * time.Millisecond
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(), now: opt.Now, log: opt.Log, src: opt.Sources,
		slowAfter: opt.SlowQuery,
		Usage:     NewUsage(opt.MaxOrgs),
		recent:    newWindow(opt.Now),
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sportsapp_http_requests_total",
		Help: "HTTP requests by route pattern, method and status class.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sportsapp_http_request_duration_seconds",
		Help:    "HTTP request latency by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	m.coldOpens = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sportsapp_pool_open_duration_seconds",
		Help:    "Time to open an organization database (cold open: open, migrate if behind, identity check).",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	})
	m.queries = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sportsapp_sqlite_query_duration_seconds",
		Help:    "SQLite query duration by sqlc query name.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
	}, []string{"query"})
	m.slow = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sportsapp_sqlite_slow_queries_total",
		Help: "Queries slower than SPORTSAPP_SLOW_QUERY, by sqlc query name.",
	}, []string{"query"})
	m.reg.MustRegister(m.requests, m.latency, m.coldOpens, m.queries, m.slow)
	m.registerSources()
	return m
}

// Gatherer returns everything /metrics serves: this package's series and
// the default registry's (Go runtime and process collectors, which
// client_golang registers there, and Litestream's).
func (m *Metrics) Gatherer() prometheus.Gatherer {
	return prometheus.Gatherers{prometheus.DefaultGatherer, m.reg}
}

// Request records one finished HTTP request. route is the route pattern
// (never the raw path, whose ids would make a series each), orgID the
// organization it was for ("" for the platform host or none).
func (m *Metrics) Request(route, method string, status int, d time.Duration, orgID, slug string) {
	m.requests.WithLabelValues(route, method, statusClass(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(d.Seconds())
	m.recent.add(d, status >= 500)
	if orgID != "" {
		write := method != "GET" && method != "HEAD"
		m.Usage.request(orgID, slug, write)
	}
}

// ColdOpen records an organization database opened by the pool
// (tenant.PoolOptions.OnOpened).
func (m *Metrics) ColdOpen(o tenant.Org, d time.Duration) {
	m.coldOpens.Observe(d.Seconds())
	var size int64
	if m.src.OrgSize != nil {
		size = m.src.OrgSize(o)
	}
	m.Usage.coldOpen(o.ID, o.Slug, size)
}

var classes = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

// statusClass returns "2xx" for 204 and so on.
func statusClass(status int) string {
	if i := status/100 - 1; i >= 0 && i < len(classes) {
		return classes[i]
	}
	return strconv.Itoa(status)
}
