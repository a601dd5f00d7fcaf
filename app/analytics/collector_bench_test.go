package analytics

import (
	"testing"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// BenchmarkCollectOrg: one demo organization (60 members and 100; the
// fixture's) read (Compute, through the pool's readers) and saved.
func BenchmarkCollectOrg(b *testing.B) {
	f := newFixture(b)
	o := f.orgs[1]
	b.Run("compute", func(b *testing.B) {
		h, err := f.pool.Acquire(f.ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		defer h.Release()
		for b.Loop() {
			if _, err := Compute(f.ctx, orgdb.New(h.DB().Reader()), f.now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("save", func(b *testing.B) {
		h, _ := f.pool.Acquire(f.ctx, o)
		fig, err := Compute(f.ctx, orgdb.New(h.DB().Reader()), f.now)
		h.Release()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(fig.Daily)), "rows")
		for b.Loop() {
			if err := Save(f.ctx, f.db, o.ID, fig, "", f.now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("collect", func(b *testing.B) {
		for b.Loop() {
			if err := f.col.Collect(f.ctx, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	_ = tenant.Org{}
}
