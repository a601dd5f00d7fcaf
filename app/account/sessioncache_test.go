package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
)

// signedIn creates a member and a session for them, and looks the session
// up once so that the cache holds it.
func (f *fixture) signedIn(t *testing.T, email string) (User, string) {
	t.Helper()
	ctx := context.Background()
	u, err := f.svc.SignUp(ctx, f.sc, "Mia Member", email, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	token, err := f.svc.StartSession(ctx, f.sc, u.ID, Client{IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionUser(ctx, f.sc, token); err != nil {
		t.Fatal(err)
	}
	return u, token
}

func TestSessionCacheAnswersRepeatLookups(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	u, token := f.signedIn(t, "mia@example.org")
	before := f.svc.SessionCacheStats()
	for range 3 {
		got, err := f.svc.SessionUser(ctx, f.sc, token)
		if err != nil || got.ID != u.ID {
			t.Fatalf("SessionUser = %+v, %v", got, err)
		}
	}
	after := f.svc.SessionCacheStats()
	if after.Hits-before.Hits != 3 || after.Misses != before.Misses {
		t.Errorf("3 lookups: %d hits, %d misses; want 3 hits", after.Hits-before.Hits, after.Misses-before.Misses)
	}
	// An unknown token is never cached.
	if _, err := f.svc.SessionUser(ctx, f.sc, "no-such-token"); !errors.Is(err, ErrNoSession) {
		t.Fatalf("unknown token: %v", err)
	}
	if n := f.svc.SessionCacheStats().Entries; n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
}

// Every change that ends a session or changes its user is seen by the very
// next lookup, not after the TTL (the fixture's clock does not move).
func TestSessionCacheForgetsOnEveryChange(t *testing.T) {
	ctx := context.Background()
	admin := Actor{Label: "admin@example.org"}
	tests := []struct {
		name   string
		change func(f *fixture, u User, token string) error
		want   func(t *testing.T, u User, err error) // the next lookup
	}{
		{"sign out", func(f *fixture, _ User, token string) error {
			return f.svc.SignOut(ctx, f.sc, token)
		}, noSession},
		{"disabled", func(f *fixture, u User, _ string) error {
			_, err := f.svc.SetStatus(ctx, f.sc, admin, u.ID, StatusDisabled)
			return err
		}, noSession},
		{"role changed", func(f *fixture, u User, _ string) error {
			_, err := f.svc.SetRole(ctx, f.sc, admin, u.ID, RoleAdmin)
			return err
		}, noSession},
		{"password changed", func(f *fixture, u User, _ string) error {
			_, err := f.svc.ChangePassword(ctx, f.sc, u, "correct horse battery", "another long password", Client{})
			return err
		}, noSession},
		{"password reset", func(f *fixture, u User, _ string) error {
			reset, hash, _ := auth.NewToken()
			if err := f.sc.W().PasswordResetCreate(ctx, orgdb.PasswordResetCreateParams{UserID: u.ID, TokenHash: hash, CreatedAt: f.now, ExpiresAt: f.now.Add(time.Hour)}); err != nil {
				return err
			}
			_, err := f.svc.ResetPassword(ctx, f.sc, reset, "another long password")
			return err
		}, noSession},
		{"renamed", func(f *fixture, u User, _ string) error {
			_, err := f.svc.UpdateName(ctx, f.sc, u, "Mia Renamed")
			return err
		}, func(t *testing.T, u User, err error) {
			if err != nil || u.Name != "Mia Renamed" {
				t.Errorf("after renaming: %q, %v; want the new name", u.Name, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			u, token := f.signedIn(t, "mia@example.org")
			if err := tt.change(f, u, token); err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.SessionUser(ctx, f.sc, token)
			tt.want(t, got, err)
		})
	}
}

func noSession(t *testing.T, u User, err error) {
	t.Helper()
	if !errors.Is(err, ErrNoSession) {
		t.Errorf("next lookup: %+v, %v; want ErrNoSession", u, err)
	}
}

// A change the cache cannot hear of (another process, SQL by hand) is seen
// once the TTL has passed.
func TestSessionCacheTTL(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	u, token := f.signedIn(t, "mia@example.org")
	if err := f.sc.W().UserSetStatus(ctx, orgdb.UserSetStatusParams{Status: string(StatusDisabled), UpdatedAt: f.now, ID: u.ID}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(SessionCacheTTL - time.Second)
	if _, err := f.svc.SessionUser(ctx, f.sc, token); err != nil {
		t.Fatalf("within the TTL: %v, want the cached answer", err)
	}
	f.now = f.now.Add(time.Second)
	if _, err := f.svc.SessionUser(ctx, f.sc, token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after the TTL: %v, want ErrNoSession", err)
	}
}

// A cached session still has its expiry pushed forward once an hour, and
// is not believed past its expiry.
func TestSessionCacheKeepsTouchingAndExpiry(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	_, token := f.signedIn(t, "mia@example.org")
	f.now = f.now.Add(auth.SessionTouchEvery + time.Minute)
	if _, err := f.svc.SessionUser(ctx, f.sc, token); err != nil {
		t.Fatal(err)
	}
	row, err := f.sc.Q().SessionByTokenHash(ctx, auth.HashToken(token))
	if err != nil {
		t.Fatal(err)
	}
	if !row.Session.LastSeenAt.Equal(f.now) || !row.Session.ExpiresAt.Equal(f.now.Add(auth.SessionTTL)) {
		t.Errorf("session not touched: last seen %v, expires %v", row.Session.LastSeenAt, row.Session.ExpiresAt)
	}
	f.now = f.now.Add(auth.SessionTTL)
	if _, err := f.svc.SessionUser(ctx, f.sc, token); !errors.Is(err, ErrNoSession) {
		t.Errorf("past its expiry: %v, want ErrNoSession", err)
	}
}

// A lookup that read the database while an invalidation ran does not
// store what it read.
func TestSessionCacheDropsAnswersReadDuringAnInvalidation(t *testing.T) {
	f := newFixture(t, nil)
	u, token := f.signedIn(t, "mia@example.org")
	key := keyFor(f.sc, auth.HashToken(token))
	f.svc.sessions.forget(key)
	gen := f.svc.sessions.gen.Load()
	f.svc.forgetUser(f.sc, u.ID) // runs while the lookup reads
	f.svc.sessions.put(key, sessionEntry{user: u, expiresAt: f.now.Add(time.Hour), lastSeenAt: f.now, cachedAt: f.now}, gen)
	if _, ok := f.svc.sessions.get(key, f.now); ok {
		t.Error("an answer read before an invalidation was cached")
	}
}

// The cache stays bounded.
func TestSessionCacheBounded(t *testing.T) {
	f := newFixture(t, nil)
	c := &f.svc.sessions
	for i := range sessionCacheMax + 10 {
		var hash [32]byte
		hash[0], hash[1], hash[2] = byte(i), byte(i>>8), byte(i>>16)
		c.put(keyFor(f.sc, hash[:]), sessionEntry{cachedAt: f.now}, c.gen.Load())
	}
	if n := f.svc.SessionCacheStats().Entries; n > sessionCacheMax {
		t.Errorf("%d entries, want at most %d", n, sessionCacheMax)
	}
}
