package offboard

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/onboarding"
	"sportsapp/app/replication"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// clock is a settable time for the deleter and the registry.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func (f *fixture) deleter(t *testing.T, c *clock) *Deleter {
	t.Helper()
	f.reg.SetClock(c.now)
	return &Deleter{Registry: f.reg, Pool: f.pool, Log: quiet, Now: c.now,
		Replica: replication.Config{URL: filepath.Join(f.dir, "replica"), Retention: 48 * time.Hour}}
}

// snapshotFiles lists every file under dir with its size and time, but
// not those of skip (an org id).
func snapshotFiles(t *testing.T, dir, skip string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || (skip != "" && strings.Contains(p, skip+".db")) || strings.HasSuffix(p, "-shm") || strings.HasSuffix(p, "-wal") {
			return nil
		}
		if strings.HasSuffix(p, "platform.db") || strings.Contains(p, string(filepath.Separator)+"tmp"+string(filepath.Separator)) {
			return nil
		}
		out = append(out, p)
		return nil
	})
	sort.Strings(out)
	return out
}

func TestScheduleRefusesActiveOrMissingOrgs(t *testing.T) {
	f := newFixture(t)
	c := &clock{time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	d := f.deleter(t, c)
	o := f.org(t, "still-active", 0)
	ctx := context.Background()
	if _, err := d.Schedule(ctx, o.Slug, Actor{Label: "ops"}, 0, false); apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(apperr.MessageOf(err), "suspend it first") {
		t.Errorf("active org: %v", err)
	}
	if _, err := d.Schedule(ctx, "no-such-org", Actor{Label: "ops"}, 0, false); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("missing org: %v", err)
	}
	if err := d.DeleteNow(ctx, o.Slug, Actor{Label: "ops"}, true, false); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("delete an active org now: %v", err)
	}
	if _, ok, _ := d.Get(ctx, o); ok {
		t.Error("a refused deletion was recorded")
	}
	if _, err := f.reg.BySlug(ctx, o.Slug); err != nil {
		t.Error(err)
	}
}

// TestGracePeriodReactivationAndDeletion: a scheduled deletion waits for
// its grace; a reactivation cancels it; after the grace the sweeper
// removes exactly the org's files, keeps a tombstone, and leaves the
// other organizations (adjacent ids, decoy files) alone.
func TestGracePeriodReactivationAndDeletion(t *testing.T) {
	f := newFixture(t)
	c := &clock{time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	d := f.deleter(t, c)
	ctx := context.Background()
	var orgs []tenant.Org
	for _, slug := range []string{"before-org", "leaving-org", "after-org"} {
		orgs = append(orgs, f.org(t, slug, 3))
	}
	o := orgs[1]
	path, _ := f.reg.OrgPath(o.ID)
	// Decoys beside the org's files: names that a pattern would match.
	decoys := []string{path + "x", path[:len(path)-3] + "0.db", path + ".before-restore-1/keep.db"}
	for _, p := range decoys {
		os.MkdirAll(filepath.Dir(p), 0o750)
		if err := os.WriteFile(p, []byte("decoy"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(replication.MetaDir(path), 0o750)
	os.WriteFile(filepath.Join(replication.MetaDir(path), "ltx"), []byte("x"), 0o600)

	_, err := f.reg.SetStatus(ctx, o.Slug, tenant.StatusSuspended)
	must(t, err)
	x, err := d.Schedule(ctx, o.Slug, Actor{Label: "ops@example.org"}, 0, false)
	must(t, err)
	if want := c.t.Add(30 * 24 * time.Hour); !x.DeleteAfter.Equal(want) || !x.Scheduled() {
		t.Errorf("scheduled for %v, want %v", x.DeleteAfter, want)
	}
	if _, err := d.Schedule(ctx, o.Slug, Actor{Label: "ops"}, 0, false); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("scheduled twice: %v", err)
	}

	// Reactivation cancels it.
	_, err = f.reg.SetStatus(ctx, o.Slug, tenant.StatusActive)
	must(t, err)
	if _, ok, _ := d.Get(ctx, o); ok {
		t.Fatal("reactivation did not cancel the deletion")
	}
	_, err = f.reg.SetStatus(ctx, o.Slug, tenant.StatusSuspended)
	must(t, err)
	_, err = d.Schedule(ctx, o.Slug, Actor{Label: "ops@example.org"}, 0, false)
	must(t, err)

	// Within the grace period nothing happens.
	f.with(t, o, func(*tenant.Scope) {}) // open in the pool, as the console would
	others := snapshotFiles(t, f.dir, o.ID)
	c.t = c.t.Add(29 * 24 * time.Hour)
	must(t, d.Sweep(ctx))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("deleted during the grace period: %v", err)
	}

	// After it, the org is gone.
	c.t = c.t.Add(2 * 24 * time.Hour)
	must(t, d.Sweep(ctx))
	for _, p := range replication.LocalFiles(path) {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s still exists: %v", p, err)
		}
	}
	if _, err := f.reg.BySlug(ctx, o.Slug); err != tenant.ErrOrgNotFound {
		t.Errorf("still registered: %v", err)
	}
	if got := snapshotFiles(t, f.dir, o.ID); strings.Join(got, "\n") != strings.Join(others, "\n") {
		t.Errorf("other files changed:\n%v\nwere\n%v", got, others)
	}
	for _, p := range decoys {
		if b, err := os.ReadFile(p); err != nil || string(b) != "decoy" {
			t.Errorf("decoy %s: %v", p, err)
		}
	}
	for _, other := range []tenant.Org{orgs[0], orgs[2]} {
		p, _ := f.reg.OrgPath(other.ID)
		f.with(t, other, func(sc *tenant.Scope) {
			if n, err := sc.Q().UserSearchCount(ctx, ""); err != nil || n != 3 {
				t.Errorf("%s: %d users, %v", other.Slug, n, err)
			}
		})
		must(t, sqlite.QuickCheck(ctx, p))
	}
	x, ok, err := d.Get(ctx, o)
	if err != nil || !ok || x.State != tenant.DeletionDeleted {
		t.Fatalf("tombstone: %+v %v %v", x, ok, err)
	}

	// The slug is held for 90 days; the audit has every step.
	if _, err := f.reg.Create(ctx, o.Slug, "Someone else"); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("slug reused at once: %v", err)
	}
	if p := (&onboarding.Service{Registry: f.reg}).SlugProblem(ctx, o.Slug); !strings.Contains(p, "deleted organization") {
		t.Errorf("the wizard offers a held slug: %q", p)
	}
	audit, err := f.reg.AuditEntries(ctx, o, 20)
	must(t, err)
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	for _, want := range []string{"org.delete_schedule", "org.delete_cancel", "org.delete_start", "org.delete"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit %v lacks %s", actions, want)
		}
	}
	c.t = c.t.Add(91 * 24 * time.Hour)
	if _, err := f.reg.Create(ctx, o.Slug, "Someone else"); err != nil {
		t.Errorf("slug after 90 days: %v", err)
	}
}

// TestDeletionCompletesAfterACrash: a process that stopped after
// recording the start, or after removing the files, leaves a deletion the
// next sweep completes.
func TestDeletionCompletesAfterACrash(t *testing.T) {
	for _, stage := range []string{"started", "files removed"} {
		t.Run(stage, func(t *testing.T) {
			f := newFixture(t)
			c := &clock{time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
			d := f.deleter(t, c)
			ctx := context.Background()
			o := f.org(t, "crashing-org", 2)
			keep := f.org(t, "keep-org", 2)
			_, err := f.reg.SetStatus(ctx, o.Slug, tenant.StatusSuspended)
			must(t, err)
			_, err = d.Schedule(ctx, o.Slug, Actor{Label: "ops"}, time.Hour, false)
			must(t, err)
			// What the stopped process had done.
			q := platformdb.New(f.reg.PlatformDB().Writer())
			_, err = q.OrgDeletionStart(ctx, platformdb.OrgDeletionStartParams{OrgID: o.ID})
			must(t, err)
			path, _ := f.reg.OrgPath(o.ID)
			if stage == "files removed" {
				must(t, f.pool.Exclusive(ctx, o, func(context.Context) error { return removeLocal(path) }))
			}
			// Reactivating a deletion under way is refused.
			if _, err := f.reg.SetStatus(ctx, o.Slug, tenant.StatusActive); apperr.CodeOf(err) != apperr.Conflict {
				t.Errorf("reactivate while deleting: %v", err)
			}
			// A new process (the grace not even over) completes it.
			d2 := &Deleter{Registry: f.reg, Pool: f.pool, Log: quiet, Now: c.now}
			must(t, d2.Sweep(ctx))
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("file: %v", err)
			}
			if _, err := f.reg.BySlug(ctx, o.Slug); err != tenant.ErrOrgNotFound {
				t.Errorf("registry: %v", err)
			}
			if _, err := f.reg.BySlug(ctx, keep.Slug); err != nil {
				t.Error(err)
			}
			kp, _ := f.reg.OrgPath(keep.ID)
			must(t, sqlite.QuickCheck(ctx, kp))
		})
	}
}

// TestDeleteNowNeedsAnExport: --now is refused until the org was exported
// (or forced).
func TestDeleteNowNeedsAnExport(t *testing.T) {
	f := newFixture(t)
	c := &clock{time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	d := f.deleter(t, c)
	ctx := context.Background()
	o := f.org(t, "exported-org", 1)
	_, err := f.reg.SetStatus(ctx, o.Slug, tenant.StatusSuspended)
	must(t, err)
	if err := d.DeleteNow(ctx, o.Slug, Actor{Label: "cli"}, false, false); err == nil || !strings.Contains(err.Error(), "never been exported") {
		t.Fatalf("unexported: %v", err)
	}
	must(t, f.reg.Audit(ctx, "cli", "org.export", o, "", ""))
	must(t, d.DeleteNow(ctx, o.Slug, Actor{Label: "cli"}, false, false))
	if _, err := f.reg.BySlug(ctx, o.Slug); err != tenant.ErrOrgNotFound {
		t.Errorf("not deleted: %v", err)
	}
}

// TestReplicaPurgedAfterRetention: the replica of a deleted org is purged
// once its retention passed, unless kept; other orgs' replicas stay.
func TestReplicaPurgedAfterRetention(t *testing.T) {
	f := newFixture(t)
	c := &clock{time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	d := f.deleter(t, c)
	ctx := context.Background()
	var orgs []tenant.Org
	for _, slug := range []string{"purged-org", "kept-org", "other-org"} {
		o := f.org(t, slug, 0)
		orgs = append(orgs, o)
		dir := filepath.Join(d.Replica.URL, "orgs", o.ID, "ltx", "0")
		must(t, os.MkdirAll(dir, 0o750))
		must(t, os.WriteFile(filepath.Join(dir, "0001.ltx"), []byte("x"), 0o600))
	}
	for i, o := range orgs[:2] {
		_, err := f.reg.SetStatus(ctx, o.Slug, tenant.StatusSuspended)
		must(t, err)
		must(t, d.DeleteNow(ctx, o.Slug, Actor{Label: "cli"}, true, i == 1))
	}
	replicaOf := func(o tenant.Org) bool {
		_, err := os.Stat(filepath.Join(d.Replica.URL, "orgs", o.ID))
		return err == nil
	}
	must(t, d.Sweep(ctx))
	if !replicaOf(orgs[0]) {
		t.Fatal("purged before the retention passed")
	}
	c.t = c.t.Add(49 * time.Hour)
	must(t, d.Sweep(ctx))
	if replicaOf(orgs[0]) || !replicaOf(orgs[1]) || !replicaOf(orgs[2]) {
		t.Errorf("after retention: purged %v, kept %v, other %v", !replicaOf(orgs[0]), replicaOf(orgs[1]), replicaOf(orgs[2]))
	}
}
