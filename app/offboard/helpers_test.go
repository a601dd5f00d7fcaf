package offboard

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/demo"
	"sportsapp/app/mail"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// capture records the mails the account service sends (reset links).
type capture struct {
	mu    sync.Mutex
	texts []string
}

func (c *capture) Send(_ context.Context, m mail.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.texts = append(c.texts, m.Text)
	return nil
}

// fixture is a platform with organizations open in a pool.
type fixture struct {
	dir      string
	reg      *tenant.Registry
	pool     *tenant.Pool
	accounts *account.Service
	settings *settings.Service
	mails    *capture
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{dir: dir, reg: tenant.NewRegistry(db, dir), settings: &settings.Service{}, mails: &capture{}}
	f.pool = tenant.NewPool(f.reg, tenant.PoolOptions{Logger: quiet, IdleTimeout: -1})
	t.Cleanup(func() { f.pool.Close() })
	f.accounts = &account.Service{Mail: f.mails, Links: tenant.Links{Scheme: "http", BaseDomain: "localhost"}, Log: quiet}
	return f
}

// org creates an organization with default settings and members demo
// members.
func (f *fixture) org(t *testing.T, slug string, members int) tenant.Org {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	init, err := settings.Initial(settings.Defaults(slug, now), []settings.TypeForm{settings.DefaultMembershipType}, "platform", now)
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.reg.Create(ctx, slug, "Org "+slug, init)
	if err != nil {
		t.Fatal(err)
	}
	if members > 0 {
		f.with(t, o, func(sc *tenant.Scope) {
			if _, err := demo.Seed(ctx, sc, f.settings, members, 7); err != nil {
				t.Fatal(err)
			}
		})
	}
	return o
}

// with runs fn with a scope on o.
func (f *fixture) with(t *testing.T, o tenant.Org, fn func(*tenant.Scope)) {
	t.Helper()
	h, err := f.pool.Acquire(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	fn(tenant.NewScope(h))
}

// unzip reads every entry of a zip file.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = data
	}
	return out
}

// writeTemp writes b to a new file in t's temp dir.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// csvRows counts the data lines of a CSV file (quoted newlines included).
func csvRows(t *testing.T, b []byte) int64 {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return int64(len(recs) - 1)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) now() time.Time { return time.Now().UTC() }

// leftFiles lists what is under dir.
func leftFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			out = append(out, p)
		}
		return nil
	})
	return out
}
