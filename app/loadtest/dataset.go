package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"sportsapp/app/account"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/demo"
	"sportsapp/app/mail"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// The data set: the first organization is Quadball Canada with full demo
// data (the measures that sign in use it); every other one is a light
// organization with what `org create` gives it (settings and one membership
// type, no members), which is all an anonymous home page reads. A full fill
// of every org would cost one argon2id hash and a few hundred rows each,
// for pages no measure opens.
const (
	demoSlug    = tenant.DefaultOrgSlug
	demoName    = tenant.DefaultOrgName
	demoMembers = 300
	demoSeed    = 1 // demo.Seed is deterministic per seed: the same member every build

	adminEmail    = "loadtest-admin@example.org"
	adminName     = "Load Test Admin"
	adminPassword = "loadtest admin password"

	// manifestVersion changes when a data set built by an older harness
	// can no longer be reused.
	manifestVersion = 1
)

// lightSlug is the slug of the i-th light organization (1-based).
func lightSlug(i int) string { return fmt.Sprintf("club-%05d", i) }

// slugs returns the slugs of a data set of n organizations: the demo
// organization first.
func slugs(n int) []string {
	out := make([]string, 0, n)
	out = append(out, demoSlug)
	for i := 1; i < n; i++ {
		out = append(out, lightSlug(i))
	}
	return out
}

// credentials are an account the harness signs in with.
type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// manifest describes a built data set; it is written last, so a directory
// with a manifest is complete and can be reused.
type manifest struct {
	Version      int         `json:"version"`
	Orgs         int         `json:"orgs"`
	DemoOrg      string      `json:"demo_org"`
	DemoMembers  int         `json:"demo_members"`
	Member       credentials `json:"member"`
	Admin        credentials `json:"admin"`
	BuiltAt      time.Time   `json:"built_at"`
	BuildSeconds float64     `json:"build_seconds"`
}

// Files and folders of the harness's directory.
const (
	markerFile   = ".sportsapp-loadtest" // says the directory is the harness's, so it may delete it
	manifestFile = "manifest.json"
	tenantsDir   = "tenants" // the app's data directory
	replicaDir   = "replica" // the replication target (a local directory)
	serverLog    = "server.log"
)

// dataset is a ready data directory.
type dataset struct {
	manifest
	dir    string
	reused bool
}

func (d *dataset) dataDir() string { return filepath.Join(d.dir, tenantsDir) }
func (d *dataset) replica() string { return filepath.Join(d.dir, replicaDir) }

// prepare returns the data set of cfg: the cached one when cfg.Reuse and it
// was built for the same number of orgs, otherwise a new one built in
// cfg.Dir (whose previous contents, if the harness made them, are removed).
func prepare(ctx context.Context, cfg *Config) (*dataset, error) {
	if cfg.Reuse {
		m, err := readManifest(cfg.Dir)
		switch {
		case err == nil && m.Version == manifestVersion && m.Orgs == cfg.Orgs:
			return &dataset{manifest: m, dir: cfg.Dir, reused: true}, nil
		case err == nil:
			fmt.Fprintf(cfg.Progress, "%s was built for %d orgs (format %d): rebuilding for %d\n", cfg.Dir, m.Orgs, m.Version, cfg.Orgs)
		case errors.Is(err, os.ErrNotExist):
		default:
			return nil, err
		}
	}
	if err := clean(cfg.Dir); err != nil {
		return nil, err
	}
	return build(ctx, cfg)
}

func readManifest(dir string) (manifest, error) {
	var m manifest
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(b, &m)
}

// clean empties dir for a new build. It refuses a non-empty directory the
// harness did not make, so a mistyped -data-dir never deletes real data.
func clean(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || err == nil && len(ents) == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
		return fmt.Errorf("%s is not empty and was not made by the load harness: refusing to delete it (choose another -data-dir)", dir)
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// build creates the platform, the demo organization (demo data, a member
// and an admin with known passwords) and the light organizations, several
// at a time.
func build(ctx context.Context, cfg *Config) (*dataset, error) {
	start := time.Now()
	d := &dataset{dir: cfg.Dir}
	if err := os.MkdirAll(d.dataDir(), 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Dir, markerFile), []byte("made by `sportsapp loadtest`; deleted and rebuilt by it\n"), 0o640); err != nil {
		return nil, err
	}
	db, err := tenant.OpenPlatform(ctx, d.dataDir())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	reg := tenant.NewRegistry(db, d.dataDir())

	init, err := cfg.OrgInit(demoName)
	if err != nil {
		return nil, err
	}
	org, err := reg.Create(ctx, demoSlug, demoName, init)
	if err != nil {
		return nil, err
	}
	member, err := fillDemo(ctx, reg, org)
	if err != nil {
		return nil, fmt.Errorf("demo data for %s: %w", demoSlug, err)
	}

	var done atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4 * runtime.GOMAXPROCS(0)) // file creation waits on the disk as much as on the CPU
	for i := 1; i < cfg.Orgs; i++ {
		g.Go(func() error {
			slug := lightSlug(i)
			name := fmt.Sprintf("Club %05d", i)
			init, err := cfg.OrgInit(name)
			if err != nil {
				return err
			}
			if _, err := reg.Create(gctx, slug, name, init); err != nil {
				return fmt.Errorf("create %s: %w", slug, err)
			}
			if n := done.Add(1); n%1000 == 0 {
				fmt.Fprintf(cfg.Progress, "  %d/%d organizations (%.0f s)\n", n+1, cfg.Orgs, time.Since(start).Seconds())
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	d.manifest = manifest{
		Version: manifestVersion, Orgs: cfg.Orgs, DemoOrg: demoSlug, DemoMembers: demoMembers,
		Member:  credentials{Email: member, Password: demo.Password},
		Admin:   credentials{Email: adminEmail, Password: adminPassword},
		BuiltAt: time.Now().UTC(), BuildSeconds: time.Since(start).Seconds(),
	}
	b, err := json.MarshalIndent(d.manifest, "", "  ")
	if err != nil {
		return nil, err
	}
	return d, os.WriteFile(filepath.Join(cfg.Dir, manifestFile), b, 0o640)
}

// fillDemo seeds org with demo data, adds an admin the way a person
// becomes one (an invitation, accepted with a password) and returns the
// email of a demo member (every demo member's password is demo.Password).
func fillDemo(ctx context.Context, reg *tenant.Registry, org tenant.Org) (string, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool := tenant.NewPool(reg, tenant.PoolOptions{MaxOpen: 1, IdleTimeout: -1, Logger: quiet})
	defer pool.Close()
	h, err := pool.Acquire(ctx, org)
	if err != nil {
		return "", err
	}
	defer h.Release()
	sc := tenant.NewScope(h)
	if _, err := demo.Seed(ctx, sc, &settings.Service{}, demoMembers, demoSeed); err != nil {
		return "", err
	}
	users, err := sc.Q().UserSearch(ctx, orgdb.UserSearchParams{Lim: 1})
	if err != nil {
		return "", err
	}
	if len(users) == 0 {
		return "", errors.New("demo data has no member")
	}
	accounts := &account.Service{Mail: mail.LogSender{Log: quiet}, Links: tenant.Links{Scheme: "http", BaseDomain: "localhost"}, Log: quiet}
	_, link, err := accounts.Invite(ctx, sc, account.Actor{Label: "loadtest"}, adminEmail, adminName, account.RoleAdmin)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", err
	}
	if _, err := accounts.AcceptInvitation(ctx, sc, u.Query().Get("token"), adminName, adminPassword, account.Client{IP: "127.0.0.1", UserAgent: "loadtest"}); err != nil {
		return "", err
	}
	return users[0].Email, nil
}
