package main

import (
	"context"
	"flag"
	"os"
	"time"

	"sportsapp/app/auth"
	"sportsapp/app/metrics"
	"sportsapp/app/replication"
	"sportsapp/app/tenant"
	"sportsapp/app/web"
)

// metricsConfig are serve's monitoring options (docs/monitoring.md).
type metricsConfig struct {
	Addr        string
	AllowRemote bool
	SlowQuery   time.Duration
}

// flags registers the monitoring options on fs.
func (c *metricsConfig) flags(fs *flag.FlagSet) {
	addr := "127.0.0.1:9464"
	if v, ok := os.LookupEnv("SPORTSAPP_METRICS_ADDR"); ok {
		addr = v // set but empty: no metrics listener
	}
	fs.StringVar(&c.Addr, "metrics-addr", addr, "address of the listener for /metrics, /healthz, /readyz and pprof; empty disables it (SPORTSAPP_METRICS_ADDR)")
	fs.BoolVar(&c.AllowRemote, "metrics-allow-remote", env("SPORTSAPP_METRICS_ALLOW_REMOTE", "") == "true", "allow a metrics address that is not loopback (SPORTSAPP_METRICS_ALLOW_REMOTE=true)")
	fs.DurationVar(&c.SlowQuery, "slow-query", envDuration("SPORTSAPP_SLOW_QUERY", 100*time.Millisecond), "log and count queries slower than this (SPORTSAPP_SLOW_QUERY)")
}

// check refuses a metrics address that is not loopback unless allowed.
func (c *metricsConfig) check() error {
	if c.Addr == "" {
		return nil
	}
	return metrics.CheckAddr(c.Addr, c.AllowRemote)
}

// newMetrics builds the server's metrics over its statistics. pool and srv
// are read at scrape time (both are created after the metrics, which they
// report to).
func newMetrics(mc metricsConfig, a *application, rep *replication.Replicator, pool *(*tenant.Pool), srv *(*web.Server)) *metrics.Metrics {
	return metrics.New(metrics.Options{
		SlowQuery: mc.SlowQuery,
		Log:       a.log,
		Sources: metrics.Sources{
			Pool:        func() tenant.PoolStats { return (*pool).Stats() },
			Replication: rep.Status,
			Gate:        auth.Stats,
			Mail: func() metrics.MailStats {
				st := a.outbox.Stats()
				return metrics.MailStats{Queued: st.Queued, Sent: st.Sent, Failed: st.Failed}
			},
			PageCaches: func() []metrics.CacheStats {
				if *srv == nil {
					return nil
				}
				anon, kept := (*srv).PageCacheStats(), (*srv).KeptBodyStats()
				return []metrics.CacheStats{
					{Name: "anonymous", Entries: anon.Entries, Hits: anon.Hits, Misses: anon.Misses},
					{Name: "kept", Entries: kept.Entries, Hits: kept.Hits, Misses: kept.Misses},
				}
			},
			OrgSize: func(o tenant.Org) int64 {
				path, err := a.reg.OrgPath(o.ID)
				if err != nil {
					return 0
				}
				fi, err := os.Stat(path) // a stat, never an open: SQLite has the file open
				if err != nil {
					return 0
				}
				return fi.Size()
			},
		},
	})
}

// startMetrics serves the metrics listener, unless its address is empty.
// A listener that cannot bind is logged, not fatal: the organizations'
// sites matter more than their figures (and the scraper's `up` shows it).
func startMetrics(mc metricsConfig, a *application, m *metrics.Metrics, rep *replication.Replicator) *metrics.Listener {
	if mc.Addr == "" {
		return nil
	}
	ready := &metrics.Ready{
		Platform: func(ctx context.Context) error {
			var any bool
			return a.db.R.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM organizations)").Scan(&any)
		},
		DataDir:     a.cfg.DataDir,
		Replication: rep.Status,
	}
	l, err := metrics.Listen(mc.Addr, m.Handler(ready))
	if err != nil {
		a.log.Error("metrics listener: serving without it", "addr", mc.Addr, "err", err)
		return nil
	}
	a.log.Info("metrics", "addr", l.Addr(), "paths", "/metrics /healthz /readyz /debug/pprof/")
	return l
}
