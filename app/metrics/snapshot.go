package metrics

import (
	"strings"
	"time"

	"sportsapp/app/replication"
	"sportsapp/app/tenant"
)

// Snapshot is what the console's system page shows.
type Snapshot struct {
	Recent      Recent
	Pool        tenant.PoolStats
	HasPool     bool
	Replication ReplicationSummary
	HasRepl     bool
	Slow        []SlowQuery
	Top         []OrgUsage
	TopBy       string   // the order of Top (one of UsageOrders)
	Hour        []Minute // requests per minute over the last hour, oldest first
}

// Snapshot reads every figure now, the busiest organizations by requests.
func (m *Metrics) Snapshot() Snapshot { return m.SnapshotBy(ByRequests) }

// SnapshotBy is Snapshot with the top organizations in the given order
// (one of UsageOrders).
func (m *Metrics) SnapshotBy(by string) Snapshot {
	if !ValidUsageOrder(by) {
		by = ByRequests
	}
	s := Snapshot{Recent: m.recent.recent(), Hour: m.recent.hour(), Slow: m.SlowQueries(), TopBy: by}
	var sts []replication.Status
	if m.src.Pool != nil {
		s.Pool, s.HasPool = m.src.Pool(), true
	}
	if m.src.Replication != nil {
		sts = m.src.Replication()
		s.Replication, s.HasRepl = Summarize(sts, m.now), true
	}
	s.Top = m.Usage.TopBy(20, by, lagByOrg(sts, m.now()))
	return s
}

// TopOrgs returns the n busiest organizations in the given order, with
// their replica lag (ops endpoint: `org list --usage`, `replicas status`).
func (m *Metrics) TopOrgs(n int, by string) []OrgUsage {
	var sts []replication.Status
	if m.src.Replication != nil {
		sts = m.src.Replication()
	}
	return m.Usage.TopBy(n, by, lagByOrg(sts, m.now()))
}

// lagByOrg returns, by organization id, how long each replicated
// organization that is behind (changes pending or its last sync failed)
// has been since its last successful sync.
func lagByOrg(sts []replication.Status, now time.Time) map[string]float64 {
	lag := map[string]float64{}
	for _, st := range sts {
		id, ok := strings.CutPrefix(st.Name, "orgs/")
		if !ok || (st.InSync && st.Err == "") || st.LastSync.IsZero() {
			continue
		}
		lag[id] = now.Sub(st.LastSync).Seconds()
	}
	return lag
}
