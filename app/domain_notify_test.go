package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/domain"
	"sportsapp/app/mail"
	"sportsapp/app/superadmin"
	"sportsapp/app/tenant"
)

type recordedMail struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (r *recordedMail) Send(_ context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

// TestFlaggedDomainIsMailed: the org's active admins and the super-admins
// hear about a verified domain whose record is gone; members do not.
func TestFlaggedDomainIsMailed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := tenant.NewRegistry(db, dir)
	org, err := reg.Create(ctx, "quadball-canada", "Quadball Canada")
	if err != nil {
		t.Fatal(err)
	}
	pool := tenant.NewPool(reg, tenant.PoolOptions{MaxOpen: 2})
	t.Cleanup(func() { pool.Close() })
	h, err := pool.Acquire(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, u := range []struct{ email, role string }{{"boss@example.org", "admin"}, {"member@example.org", "member"}} {
		if _, err := tenant.NewScope(h).W().UserCreate(ctx, orgdb.UserCreateParams{Email: u.email, Name: u.email, PasswordHash: "x", Role: u.role, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	h.Release()
	if _, err := (&superadmin.Service{DB: db}).Create(ctx, "ops@example.org", "Ops", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	rec := &recordedMail{}
	notify := notifyFlagged(reg, db, pool, rec, slog.New(slog.NewTextHandler(io.Discard, nil)))
	notify(ctx, domain.Domain{Name: "register.quadball.test", OrgSlug: org.Slug, Token: "tok", MissingSince: now.Add(-72 * time.Hour)})
	var to []string
	for _, m := range rec.sent {
		to = append(to, m.To)
		if m.FromName != "Quadball Canada" || m.Subject != "Quadball Canada: the DNS record of register.quadball.test is missing" {
			t.Errorf("mail %+v", m)
		}
	}
	slices.Sort(to)
	if want := []string{"boss@example.org", "ops@example.org"}; !slices.Equal(to, want) {
		t.Fatalf("mailed %v, want %v", to, want)
	}
}
