package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sportsapp/app/replication"
)

// registerSources adds the scrape-time series read from m.src.
func (m *Metrics) registerSources() {
	gauge := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	counter := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
	}
	if p := m.src.Pool; p != nil {
		gauge("sportsapp_pool_open", "Organization databases open now.", func() float64 { return float64(p().Open) })
		gauge("sportsapp_pool_closing", "Organization databases being closed in the background now.", func() float64 { return float64(p().Closing) })
		gauge("sportsapp_pool_waiting", "Requests waiting for a pool slot now (pool full).", func() float64 { return float64(p().Waiting) })
		counter("sportsapp_pool_opens_total", "Organization databases opened since start.", func() float64 { return float64(p().Opens) })
		counter("sportsapp_pool_evictions_total", "Databases closed to stay under the open cap.", func() float64 { return float64(p().Evictions) })
		counter("sportsapp_pool_idle_closes_total", "Databases closed after the idle timeout.", func() float64 { return float64(p().IdleClose) })
		counter("sportsapp_pool_waits_total", "Requests that had to wait for a slot.", func() float64 { return float64(p().Waits) })
		counter("sportsapp_pool_migrated_total", "Databases migrated when opened.", func() float64 { return float64(p().Migrated) })
		counter("sportsapp_pool_open_seconds_total", "Total time spent opening databases.", func() float64 { return p().OpenTime.Seconds() })
	}
	if g := m.src.Gate; g != nil {
		gauge("sportsapp_password_hash_in_use", "Password hashes computing now.", func() float64 { return float64(g().InUse) })
		gauge("sportsapp_password_hash_waiting", "Password hashes waiting for a slot now.", func() float64 { return float64(g().Waiting) })
		counter("sportsapp_password_hash_rejected_total", "Password hashes refused as busy (503).", func() float64 { return float64(g().Rejected) })
	}
	if ml := m.src.Mail; ml != nil {
		gauge("sportsapp_mail_queued", "Mails waiting in the outbox.", func() float64 { return float64(ml().Queued) })
		counter("sportsapp_mail_sent_total", "Mails delivered.", func() float64 { return float64(ml().Sent) })
		counter("sportsapp_mail_failed_total", "Mails given up on or dropped.", func() float64 { return float64(ml().Failed) })
	}
	if r := m.src.Replication; r != nil {
		m.reg.MustRegister(&replicationCollector{status: r, now: m.now})
	}
	if c := m.src.PageCaches; c != nil {
		m.reg.MustRegister(cacheCollector(c))
	}
}

var (
	descCacheHits    = prometheus.NewDesc("sportsapp_page_cache_hits_total", "Pages (anonymous) or page bodies (kept) served from memory.", []string{"cache"}, nil)
	descCacheMisses  = prometheus.NewDesc("sportsapp_page_cache_misses_total", "Pages or page bodies rendered because none was kept or it was stale (the organization changed).", []string{"cache"}, nil)
	descCacheEntries = prometheus.NewDesc("sportsapp_page_cache_entries", "Pages or page bodies kept now.", []string{"cache"}, nil)
)

// cacheCollector reports the page caches, one label value per cache.
type cacheCollector func() []CacheStats

func (c cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descCacheHits
	ch <- descCacheMisses
	ch <- descCacheEntries
}

func (c cacheCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c() {
		ch <- prometheus.MustNewConstMetric(descCacheHits, prometheus.CounterValue, float64(s.Hits), s.Name)
		ch <- prometheus.MustNewConstMetric(descCacheMisses, prometheus.CounterValue, float64(s.Misses), s.Name)
		ch <- prometheus.MustNewConstMetric(descCacheEntries, prometheus.GaugeValue, float64(s.Entries), s.Name)
	}
}

// ReplicationSummary aggregates the replication of every database, so the
// series have no per-organization label.
type ReplicationSummary struct {
	Databases int     // databases replicated now
	NotInSync int     // with known changes not yet in the replica
	Failing   int     // whose last attempt failed
	OldestAge float64 // seconds since the oldest last successful sync (0: none synced)
}

// Summarize aggregates sts at now.
func Summarize(sts []replication.Status, now func() time.Time) ReplicationSummary {
	var s ReplicationSummary
	t := now()
	for _, st := range sts {
		s.Databases++
		if !st.InSync {
			s.NotInSync++
		}
		if st.Err != "" {
			s.Failing++
		}
		if !st.LastSync.IsZero() {
			if age := t.Sub(st.LastSync).Seconds(); age > s.OldestAge {
				s.OldestAge = age
			}
		}
	}
	return s
}

var (
	descReplicated = prometheus.NewDesc("sportsapp_replication_databases", "Databases replicated now (the platform and every open organization).", nil, nil)
	descNotInSync  = prometheus.NewDesc("sportsapp_replication_not_in_sync", "Replicated databases with changes not yet in the replica.", nil, nil)
	descFailing    = prometheus.NewDesc("sportsapp_replication_failing", "Replicated databases whose last sync failed.", nil, nil)
	descOldest     = prometheus.NewDesc("sportsapp_replication_oldest_sync_age_seconds", "Seconds since the least recent successful sync among replicated databases.", nil, nil)
)

// replicationCollector reads Replicator.Status at scrape time.
type replicationCollector struct {
	status func() []replication.Status
	now    func() time.Time
}

func (c *replicationCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descReplicated
	ch <- descNotInSync
	ch <- descFailing
	ch <- descOldest
}

func (c *replicationCollector) Collect(ch chan<- prometheus.Metric) {
	s := Summarize(c.status(), c.now)
	ch <- prometheus.MustNewConstMetric(descReplicated, prometheus.GaugeValue, float64(s.Databases))
	ch <- prometheus.MustNewConstMetric(descNotInSync, prometheus.GaugeValue, float64(s.NotInSync))
	ch <- prometheus.MustNewConstMetric(descFailing, prometheus.GaugeValue, float64(s.Failing))
	ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, s.OldestAge)
}
