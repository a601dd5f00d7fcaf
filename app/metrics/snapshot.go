package metrics

import "sportsapp/app/tenant"

// Snapshot is what the console's system page shows.
type Snapshot struct {
	Recent      Recent
	Pool        tenant.PoolStats
	HasPool     bool
	Replication ReplicationSummary
	HasRepl     bool
	Slow        []SlowQuery
	Top         []OrgUsage
}

// Snapshot reads every figure now.
func (m *Metrics) Snapshot() Snapshot {
	s := Snapshot{Recent: m.recent.recent(), Slow: m.SlowQueries(), Top: m.Usage.Top(20)}
	if m.src.Pool != nil {
		s.Pool, s.HasPool = m.src.Pool(), true
	}
	if m.src.Replication != nil {
		s.Replication, s.HasRepl = Summarize(m.src.Replication(), m.now), true
	}
	return s
}
