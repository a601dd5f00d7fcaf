// Package superadmin manages the platform's operators: their accounts and
// sessions live in the platform database and are valid on the platform host
// only. Nothing here can read or write an organization's database.
package superadmin

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/sqlite"
)

// Admin is a platform operator.
type Admin struct {
	ID    int64
	Email string
	Name  string
}

// Service signs super-admins in and out.
type Service struct {
	DB  *sqlite.DB // the platform database
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// ErrNoSession means the platform cookie names no valid session.
var ErrNoSession = apperr.Errorf(apperr.Unauthorized, "Please sign in.")

const msgSignInFailed = "The email or password is incorrect."

// Create adds a super-admin with the given password.
func (s *Service) Create(ctx context.Context, email, name, password string) (Admin, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") || len(email) > 254 {
		return Admin{}, apperr.Errorf(apperr.Invalid, "Enter a valid email address.")
	}
	if len(password) < 12 {
		return Admin{}, apperr.Errorf(apperr.Invalid, "A super-admin password must have at least 12 characters.")
	}
	hash, err := auth.HashPassword(ctx, password)
	if err != nil {
		return Admin{}, err
	}
	r, err := platformdb.New(s.DB.Writer()).SuperAdminCreate(ctx, platformdb.SuperAdminCreateParams{
		Email: email, Name: strings.TrimSpace(name), PasswordHash: hash, CreatedAt: s.now(),
	})
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return Admin{}, apperr.Errorf(apperr.Conflict, "A super-admin with this email already exists.")
	}
	if err != nil {
		return Admin{}, err
	}
	return Admin{ID: r.ID, Email: r.Email, Name: r.Name}, nil
}

// SignIn checks credentials and starts a platform session, returning its
// token. Unknown emails and wrong passwords get the same message and cost.
func (s *Service) SignIn(ctx context.Context, email, password, ip, userAgent string) (Admin, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	r, err := platformdb.New(s.DB.Reader()).SuperAdminByEmail(ctx, email)
	if errors.Is(err, sql.ErrNoRows) {
		if err := auth.SpendPasswordTime(ctx, password); err != nil {
			return Admin{}, "", err
		}
		return Admin{}, "", apperr.Errorf(apperr.Unauthorized, msgSignInFailed)
	}
	if err != nil {
		return Admin{}, "", err
	}
	ok, err := auth.CheckPassword(ctx, r.PasswordHash, password)
	if err != nil {
		return Admin{}, "", err
	}
	if !ok || r.Status != "active" {
		return Admin{}, "", apperr.Errorf(apperr.Unauthorized, msgSignInFailed)
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return Admin{}, "", err
	}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		q := platformdb.New(tx)
		if err := q.SuperAdminTouchLogin(ctx, platformdb.SuperAdminTouchLoginParams{LastLoginAt: sql.NullTime{Time: now, Valid: true}, ID: r.ID}); err != nil {
			return err
		}
		return q.PlatformSessionCreate(ctx, platformdb.PlatformSessionCreateParams{
			TokenHash: hash, SuperAdminID: r.ID, CreatedAt: now, ExpiresAt: now.Add(auth.SessionTTL),
			LastSeenAt: now, Ip: ip, UserAgent: userAgent,
		})
	})
	if err != nil {
		return Admin{}, "", err
	}
	return Admin{ID: r.ID, Email: r.Email, Name: r.Name}, token, nil
}

// SessionAdmin returns the super-admin a platform session token belongs to.
func (s *Service) SessionAdmin(ctx context.Context, token string) (Admin, error) {
	if token == "" {
		return Admin{}, ErrNoSession
	}
	row, err := platformdb.New(s.DB.Reader()).PlatformSessionByTokenHash(ctx, auth.HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return Admin{}, ErrNoSession
	}
	if err != nil {
		return Admin{}, err
	}
	now := s.now()
	if !now.Before(row.PlatformSession.ExpiresAt) || row.SuperAdmin.Status != "active" {
		return Admin{}, ErrNoSession
	}
	if now.Sub(row.PlatformSession.LastSeenAt) > auth.SessionTouchEvery {
		err := platformdb.New(s.DB.Writer()).PlatformSessionTouch(ctx, platformdb.PlatformSessionTouchParams{
			LastSeenAt: now, ExpiresAt: now.Add(auth.SessionTTL), ID: row.PlatformSession.ID,
		})
		if err != nil {
			return Admin{}, err
		}
	}
	return Admin{ID: row.SuperAdmin.ID, Email: row.SuperAdmin.Email, Name: row.SuperAdmin.Name}, nil
}

// SignOut ends a platform session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return platformdb.New(s.DB.Writer()).PlatformSessionDelete(ctx, auth.HashToken(token))
}
