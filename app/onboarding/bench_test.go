package onboarding

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkProvision measures provisioning one organization end to end
// (validation, file, migrations, initial data, registry, replication hook,
// audit) and reports the median and p95.
func BenchmarkProvision(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	var took []time.Duration
	i := 0
	for b.Loop() {
		r := alberta()
		r.Name, r.Slug = fmt.Sprintf("League %d", i), fmt.Sprintf("league-%d", i)
		start := time.Now()
		if _, err := f.svc.Provision(ctx, r, operator); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkProvision1000 provisions 1,000 organizations in sequence.
func BenchmarkProvision1000(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b)
		ctx := context.Background()
		b.StartTimer()
		for i := range 1000 {
			r := alberta()
			r.Name, r.Slug = fmt.Sprintf("League %d", i), fmt.Sprintf("league-%d", i)
			if _, err := f.svc.Provision(ctx, r, operator); err != nil {
				b.Fatal(err)
			}
		}
	}
}
