package onboarding

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/mail"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// recorder is a Replicator that remembers what it shipped, and can be
// told to fail: the failure-injection stand-in for the replication step
// (the real replicator is tested against a real S3 server in its package).
type recorder struct {
	mu   sync.Mutex
	on   map[string]string
	fail error
}

func (r *recorder) Ship(_ context.Context, name, path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	if r.on == nil {
		r.on = map[string]string{}
	}
	r.on[path] = name
	return nil
}

type fixture struct {
	svc  *Service
	reg  *tenant.Registry
	rep  *recorder
	dir  string
	pool *tenant.Pool
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := tenant.NewRegistry(db, dir)
	rep := &recorder{}
	pool := tenant.NewPool(reg, tenant.PoolOptions{Logger: quiet})
	t.Cleanup(func() { pool.Close() })
	acc := &account.Service{Mail: mail.LogSender{Log: quiet}, Links: tenant.Links{Scheme: "http", BaseDomain: "localhost", Port: "8080"}, Log: quiet}
	return &fixture{svc: &Service{Registry: reg, Accounts: acc, Replicator: rep, Log: quiet}, reg: reg, rep: rep, dir: dir, pool: pool}
}

func alberta() Request {
	r := DefaultRequest(time.Now())
	r.Name, r.Slug = "Quadball Alberta", "quadball-alberta"
	r.AdminName, r.AdminEmail = "Alex Admin", "alex@quadball-alberta.ca"
	r.FirstType = settings.TypeForm{Name: "Adult player", Price: "65.00", Active: true}
	return r
}

var operator = Actor{Label: "ops@example.org", IP: "127.0.0.1"}

// everything lists the data dir's files and the registry, to compare.
func (f *fixture) everything(t testing.TB) string {
	var files []string
	filepath.WalkDir(f.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(filepath.Base(p), "platform.db") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	orgs, err := f.reg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, o := range orgs {
		slugs = append(slugs, o.Slug)
	}
	return strings.Join(files, "\n") + "\norgs: " + strings.Join(slugs, ",")
}

func TestProvisionEndToEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.svc.Provision(ctx, alberta(), operator)
	if err != nil {
		t.Fatal(err)
	}
	// Registry
	org, err := f.reg.BySlug(ctx, "quadball-alberta")
	if err != nil || org.ID != res.Org.ID || org.Name != "Quadball Alberta" {
		t.Fatalf("registry: %+v %v", org, err)
	}
	// File, migrated, opened the way requests open it
	h, err := f.pool.Acquire(ctx, org)
	if err != nil {
		t.Fatalf("file: %v", err)
	}
	defer h.Release()
	sc := tenant.NewScope(h)
	// Settings and the first membership type
	st, err := (&settings.Service{}).Get(ctx, sc)
	if err != nil || st.Version != 1 || st.DisplayName != "Quadball Alberta" || st.ContactEmail != "alex@quadball-alberta.ca" || st.Currency != "CAD" {
		t.Fatalf("settings: %+v %v", st, err)
	}
	types, _ := settings.Types(ctx, sc)
	if len(types) != 1 || types[0].Name != "Adult player" || types[0].PriceCents != 6500 {
		t.Fatalf("types: %+v", types)
	}
	// The invitation: its link opens it, for the admin role
	if !strings.HasPrefix(res.Link, "http://quadball-alberta.localhost:8080/invite?token=") {
		t.Fatalf("link %q", res.Link)
	}
	inv, err := f.svc.Accounts.InvitationByToken(ctx, sc, res.Link[strings.Index(res.Link, "token=")+6:])
	if err != nil || inv.Role != account.RoleAdmin || inv.Email != "alex@quadball-alberta.ca" {
		t.Fatalf("invitation: %+v %v", inv, err)
	}
	// Replication registered under the org's id
	path, _ := f.reg.OrgPath(org.ID)
	if f.rep.on[path] != "orgs/"+org.ID {
		t.Fatalf("replication: %v", f.rep.on)
	}
	// Platform audit
	entries, _ := f.reg.AuditEntries(ctx, org, 10)
	if len(entries) != 1 || entries[0].Action != "org.create" || entries[0].Actor != "ops@example.org" {
		t.Fatalf("audit: %+v", entries)
	}
}

// A failure at any step leaves nothing behind: no file, no registry row, no
// replication.
func TestProvisionFailuresLeaveNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(f *fixture)
		req   func() Request
	}{
		{"invalid request", func(*fixture) {}, func() Request { r := alberta(); r.AdminEmail = "nope"; return r }},
		{"database file", func(f *fixture) {
			os.RemoveAll(filepath.Join(f.dir, "orgs"))
			os.WriteFile(filepath.Join(f.dir, "orgs"), []byte("not a directory"), 0o600)
		}, alberta},
		{"initial data", func(f *fixture) {
			f.svc.extraInit = []tenant.InitFunc{func(context.Context, *orgdb.Queries) error { return errors.New("disk full") }}
		}, alberta},
		{"registry (slug taken meanwhile)", func(f *fixture) {
			f.svc.extraInit = []tenant.InitFunc{func(ctx context.Context, _ *orgdb.Queries) error {
				_, err := f.reg.Create(ctx, "quadball-alberta", "Someone Else")
				return err
			}}
		}, alberta},
		{"replication", func(f *fixture) { f.rep.fail = errors.New("bucket unreachable") }, alberta},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(f)
			before := f.everything(t)
			if tt.name == "registry (slug taken meanwhile)" {
				before = "" // the competing org is created during the call
			}
			_, err := f.svc.Provision(ctx, tt.req(), operator)
			if err == nil {
				t.Fatal("Provision succeeded")
			}
			after := f.everything(t)
			if tt.name == "registry (slug taken meanwhile)" {
				if strings.Count(after, ".db") != 1 || !strings.Contains(after, "orgs: quadball-alberta") {
					t.Fatalf("left behind:\n%s", after)
				}
				if apperr.CodeOf(err) != apperr.Conflict {
					t.Fatalf("error %v, want a conflict", err)
				}
				return
			}
			if after != before {
				t.Fatalf("left behind:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if len(f.rep.on) != 0 {
				t.Fatalf("still replicating: %v", f.rep.on)
			}
		})
	}
}

func TestSlugRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Provision(ctx, alberta(), operator); err != nil {
		t.Fatal(err)
	}
	for slug, want := range map[string]string{
		"quadball-bc":      "",
		"quadball-alberta": "already taken",
		"admin":            "reserved",
		"www":              "reserved",
		"ab":               "3 to 63",
		"Quadball":         "lowercase",
		"quad--ball":       "single hyphens",
		"-quadball":        "start and end",
	} {
		got := f.svc.SlugProblem(ctx, slug)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("SlugProblem(%q) = %q, want %q", slug, got, want)
		}
	}
	for name, want := range map[string]string{
		"Quadball Alberta":             "quadball-alberta",
		"Québec Quadball (QQ)":         "quebec-quadball-qq",
		"  Ligue de l'Île  ":           "ligue-de-l-ile",
		"BC":                           "bc",
		strings.Repeat("Long name", 9): strings.Trim(strings.Repeat("long-name", 9)[:63], "-"),
	} {
		if got := SuggestSlug(name); got != want {
			t.Errorf("SuggestSlug(%q) = %q, want %q", name, got, want)
		}
	}
}

// Two operators create the same slug at once: one wins, the other gets a
// clear error, and only one file exists.
func TestProvisionRace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = f.svc.Provision(ctx, alberta(), operator) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if msg := apperr.MessageOf(err); !strings.Contains(msg, "already taken") && !strings.Contains(msg, "highlighted") {
			t.Errorf("loser's error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d winners", ok)
	}
	if n := strings.Count(f.everything(t), ".db"); n != 1 {
		t.Fatalf("%d org files", n)
	}
}

func TestValidateSteps(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := alberta()
	r.Settings[settings.FSeasonEnd] = "2000-01-01"
	r.FirstType.Price = "-3"
	r.AdminEmail = ""
	if errs := f.svc.ValidateStep(ctx, StepOrg, r); errs != nil {
		t.Errorf("step 1: %v", errs)
	}
	errs := f.svc.ValidateStep(ctx, StepSettings, r)
	if errs["season_end"] == "" || errs["type_price"] == "" || errs["admin_email"] != "" {
		t.Errorf("step 2: %v", errs)
	}
	if errs := f.svc.ValidateStep(ctx, StepAdmin, r); errs["admin_email"] == "" || len(errs) != 1 {
		t.Errorf("step 3: %v", errs)
	}
	if errs := f.svc.ValidateStep(ctx, StepReview, r); len(errs) != 3 {
		t.Errorf("review: %v", errs)
	}
}
