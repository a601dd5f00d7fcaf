package metrics

import (
	"context"
	"log/slog"
	"time"

	"sportsapp/app/logging"
	"sportsapp/app/tenant"
)

// SlowQuery is one query slower than the threshold.
type SlowQuery struct {
	At       time.Time
	Org      string // slug, or "platform"
	Query    string // sqlc name
	Duration time.Duration
	Err      string
	// RequestID is the id of the HTTP request that ran the query (the
	// request log line's request_id), or "" outside a request.
	RequestID string
}

// slowKept is how many slow queries the console shows.
const slowKept = 50

// QueryObserver returns the function a statement cache calls after each
// query (sqlite.Stmts.Observe) of the database of org (a slug, or
// "platform"): the query's duration goes to the histogram, and a query
// slower than the threshold is logged with the org, the query name, the
// duration and the request id (from the query's context), and counted.
func (m *Metrics) QueryObserver(org string) func(ctx context.Context, name string, d time.Duration, err error) {
	return func(ctx context.Context, name string, d time.Duration, err error) {
		m.queries.WithLabelValues(name).Observe(d.Seconds())
		if d < m.slowAfter {
			return
		}
		m.slow.WithLabelValues(name).Inc()
		sq := SlowQuery{At: m.now(), Org: org, Query: name, Duration: d, RequestID: logging.RequestID(ctx)}
		if err != nil {
			sq.Err = err.Error()
		}
		m.log.LogAttrs(ctx, slog.LevelWarn, "slow query", slog.String("request_id", sq.RequestID),
			slog.String("org", org), slog.String("query", name),
			slog.Duration("dur", d), slog.Any("err", err))
		m.slowMu.Lock()
		m.slowLog = append(m.slowLog, sq)
		if len(m.slowLog) > slowKept {
			m.slowLog = m.slowLog[len(m.slowLog)-slowKept:]
		}
		m.slowMu.Unlock()
	}
}

// OrgQueries is QueryObserver for an organization's database
// (tenant.PoolOptions.Observe).
func (m *Metrics) OrgQueries(o tenant.Org) func(ctx context.Context, name string, d time.Duration, err error) {
	return m.QueryObserver(o.Slug)
}

// SlowQueries returns the recent slow queries, newest first.
func (m *Metrics) SlowQueries() []SlowQuery {
	m.slowMu.Lock()
	defer m.slowMu.Unlock()
	out := make([]SlowQuery, len(m.slowLog))
	for i, q := range m.slowLog {
		out[len(out)-1-i] = q
	}
	return out
}
