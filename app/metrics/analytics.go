package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// analyticsSeries are the analytics collector's series (docs/analytics.md),
// registered on first use so only a server that runs the collector has
// them. No organization label.
type analyticsSeries struct {
	runs     *prometheus.CounterVec
	duration prometheus.Histogram
	orgs     prometheus.Counter
}

var analyticsOnce sync.Map // *Metrics -> *analyticsSeries

func (m *Metrics) analytics() *analyticsSeries {
	if s, ok := analyticsOnce.Load(m); ok {
		return s.(*analyticsSeries)
	}
	s := &analyticsSeries{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sportsapp_analytics_collections_total",
			Help: "Analytics collector passes, by result (ok or error).",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sportsapp_analytics_collection_duration_seconds",
			Help:    "Time an analytics collector pass took (every changed organization read and rolled up).",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 10, 30, 60, 300},
		}),
		orgs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sportsapp_analytics_orgs_collected_total",
			Help: "Organizations read by the analytics collector.",
		}),
	}
	if prev, loaded := analyticsOnce.LoadOrStore(m, s); loaded {
		return prev.(*analyticsSeries)
	}
	m.reg.MustRegister(s.runs, s.duration, s.orgs)
	return s
}

// AnalyticsPass records one analytics collector pass
// (analytics.Collector.Observe): its duration, the organizations it read
// and whether it failed.
func (m *Metrics) AnalyticsPass(d time.Duration, orgs int, err error) {
	s := m.analytics()
	result := "ok"
	if err != nil {
		result = "error"
	}
	s.runs.WithLabelValues(result).Inc()
	s.duration.Observe(d.Seconds())
	s.orgs.Add(float64(orgs))
}
