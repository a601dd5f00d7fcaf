package account

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// Client describes where a request comes from, kept on sessions and in the
// audit log.
type Client struct {
	IP        string
	UserAgent string
}

func (c Client) trimmed() Client {
	if len(c.UserAgent) > 300 {
		c.UserAgent = c.UserAgent[:300]
	}
	if len(c.IP) > 64 {
		c.IP = c.IP[:64]
	}
	return c
}

// ErrNoSession means the cookie names no valid session: unknown, expired,
// or belonging to a disabled account.
var ErrNoSession = apperr.Errorf(apperr.Unauthorized, "Please sign in.")

// hashPassword is auth.HashPassword, a variable so tests of other packages
// could not make it cheaper by accident: it is the production setting.
var hashPassword = auth.HashPassword

// SignIn checks an email and password and, if they match an active account,
// starts a new session (a fresh token, so signing in always rotates) and
// returns the user and the token for the cookie. The message for an unknown
// email and for a wrong password is the same, and both cost one password
// hash, so neither the text nor the timing tells which emails exist.
func (s *Service) SignIn(ctx context.Context, sc *tenant.Scope, email, password string, cl Client) (User, string, error) {
	email, _ = NormalizeEmail(email)
	r, err := sc.Q().UserByEmail(ctx, email)
	if errors.Is(err, sql.ErrNoRows) {
		if err := auth.SpendPasswordTime(ctx, password); err != nil {
			return User{}, "", err
		}
		return User{}, "", apperr.Errorf(apperr.Unauthorized, msgSignInFailed)
	}
	if err != nil {
		return User{}, "", err
	}
	ok, err := auth.CheckPassword(ctx, r.PasswordHash, password)
	if err != nil {
		return User{}, "", err
	}
	if !ok {
		return User{}, "", apperr.Errorf(apperr.Unauthorized, msgSignInFailed)
	}
	u := userFrom(r)
	if u.Status != StatusActive {
		return User{}, "", apperr.Errorf(apperr.Forbidden, msgDisabled)
	}
	// An upgraded hash is computed before the transaction, so that waiting
	// for the hashing gate never holds the organization's write lock.
	var rehash string
	if auth.NeedsRehash(r.PasswordHash) {
		rehash, _ = hashPassword(ctx, password) // best effort: the next sign-in tries again
	}
	var token string
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		if err := q.UserTouchLogin(ctx, orgdb.UserTouchLoginParams{LastLoginAt: sql.NullTime{Time: now, Valid: true}, ID: u.ID}); err != nil {
			return err
		}
		if rehash != "" {
			if err := q.UserSetPassword(ctx, orgdb.UserSetPasswordParams{PasswordHash: rehash, UpdatedAt: now, ID: u.ID}); err != nil {
				return err
			}
		}
		token, err = s.startSession(ctx, q, u.ID, cl)
		return err
	})
	return u, token, err
}

// startSession stores a new session for userID and returns its token.
func (s *Service) startSession(ctx context.Context, q *orgdb.Queries, userID int64, cl Client) (string, error) {
	token, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	cl = cl.trimmed()
	now := s.now()
	// Sweep expired sessions as new ones start, so the table stays the
	// size of the active ones (an indexed delete, usually of nothing).
	if _, err := q.SessionDeleteExpired(ctx, now.Add(-time.Minute)); err != nil {
		return "", err
	}
	err = q.SessionCreate(ctx, orgdb.SessionCreateParams{
		TokenHash: hash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(auth.SessionTTL),
		LastSeenAt: now, Ip: cl.IP, UserAgent: cl.UserAgent,
	})
	return token, err
}

// StartSession signs userID in with a new session (after sign-up, accepting
// an invitation or resetting a password) and returns its token.
func (s *Service) StartSession(ctx context.Context, sc *tenant.Scope, userID int64, cl Client) (string, error) {
	return s.startSession(ctx, sc.W(), userID, cl)
}

// SessionUser returns the user a session token belongs to. It fails with
// ErrNoSession for an unknown or expired token, and for a disabled account.
// A session in use has its expiry pushed forward, at most once an hour.
// Answers come from the session cache when it may be believed (see
// sessioncache.go), so most signed-in requests do not read the database.
func (s *Service) SessionUser(ctx context.Context, sc *tenant.Scope, token string) (User, error) {
	if token == "" {
		return User{}, ErrNoSession
	}
	hash := auth.HashToken(token)
	now := s.now()
	key := keyFor(sc, hash)
	if !s.DisableSessionCache {
		if e, ok := s.sessions.get(key, now); ok && now.Before(e.expiresAt) && now.Sub(e.lastSeenAt) <= auth.SessionTouchEvery {
			return e.user, nil
		}
	}
	gen := s.sessions.gen.Load() // before the read: see sessionCache.put
	row, err := sc.Q().SessionByTokenHash(ctx, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNoSession
	}
	if err != nil {
		return User{}, err
	}
	if !now.Before(row.Session.ExpiresAt) || row.User.Status != string(StatusActive) {
		return User{}, ErrNoSession
	}
	e := sessionEntry{user: userFrom(row.User), expiresAt: row.Session.ExpiresAt, lastSeenAt: row.Session.LastSeenAt, cachedAt: now}
	if now.Sub(row.Session.LastSeenAt) > auth.SessionTouchEvery {
		e.expiresAt, e.lastSeenAt = now.Add(auth.SessionTTL), now
		err := sc.W().SessionTouch(ctx, orgdb.SessionTouchParams{LastSeenAt: e.lastSeenAt, ExpiresAt: e.expiresAt, ID: row.Session.ID})
		if err != nil {
			return User{}, err
		}
	}
	if !s.DisableSessionCache {
		s.sessions.put(key, e, gen)
	}
	return e.user, nil
}

// SignOut ends the session with the given token.
func (s *Service) SignOut(ctx context.Context, sc *tenant.Scope, token string) error {
	hash := auth.HashToken(token)
	err := sc.W().SessionDelete(ctx, hash)
	s.sessions.forget(keyFor(sc, hash))
	return err
}

// PurgeExpiredSessions deletes sessions past their expiry (starting a
// session does it too).
func (s *Service) PurgeExpiredSessions(ctx context.Context, sc *tenant.Scope) (int64, error) {
	return sc.W().SessionDeleteExpired(ctx, s.now().Add(-time.Minute))
}
