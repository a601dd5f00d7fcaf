package account

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"sportsapp/app/mail"
	"sportsapp/app/tenant"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture is one organization with an account service whose clock tests
// can move.
type fixture struct {
	svc *Service
	sc  *tenant.Scope
	now time.Time
}

func newFixture(t *testing.T, sender mail.Sender) *fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := tenant.NewRegistry(db, dir)
	org, err := reg.Create(ctx, "test-org", "Test Org")
	if err != nil {
		t.Fatal(err)
	}
	pool := tenant.NewPool(reg, tenant.PoolOptions{Logger: quiet})
	t.Cleanup(func() { pool.Close() })
	h, err := pool.Acquire(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Release)
	if sender == nil {
		sender = mail.LogSender{Log: quiet}
	}
	f := &fixture{sc: tenant.NewScope(h), now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	f.svc = &Service{Mail: sender, Links: tenant.Links{Scheme: "http", BaseDomain: "localhost", Port: "8080"}, Log: quiet, Now: func() time.Time { return f.now }}
	return f
}

// senderFunc records the text of each mail (a capture, to read links the
// service generates; delivery itself is tested with a real SMTP server).
type senderFunc func(text string)

func (f senderFunc) Send(_ context.Context, m mail.Message) error { f(m.Text); return nil }
