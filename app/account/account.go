// Package account manages an organization's people: sign-up, sign-in and
// sessions, invitations, password resets, profiles, roles and the audit log.
// Everything here runs on one organization's database through its
// tenant.Scope, so an account, a session or an invitation can never be seen
// from another organization.
package account

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	mailer "sportsapp/app/mail"
	"sportsapp/app/tenant"
)

// Role is what a user may do in their organization.
type Role string

// The roles.
const (
	RoleMember Role = "member"
	RoleAdmin  Role = "admin"
)

// Status says whether a user may sign in.
type Status string

// The account statuses.
const (
	StatusActive   Status = "active"
	StatusDisabled Status = "disabled"
)

// User is an account in one organization.
type User struct {
	ID          int64
	Email       string
	Name        string
	Role        Role
	Status      Status
	CreatedAt   time.Time
	LastLoginAt time.Time // zero if never
}

// IsAdmin reports whether u is an active admin of the organization.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin && u.Status == StatusActive }

func userFrom(r orgdb.User) User {
	return User{
		ID: r.ID, Email: r.Email, Name: r.Name, Role: Role(r.Role), Status: Status(r.Status),
		CreatedAt: r.CreatedAt, LastLoginAt: r.LastLoginAt.Time,
	}
}

// Actor is who performs an action, for the audit log: a signed-in user, or
// the command line (UserID 0).
type Actor struct {
	UserID int64
	Label  string // the user's email, or "cli"
	IP     string
}

// ActorFor returns the Actor for a signed-in user at ip.
func ActorFor(u User, ip string) Actor { return Actor{UserID: u.ID, Label: u.Email, IP: ip} }

// Service holds what account operations need besides the org's scope.
type Service struct {
	Mail  mailer.Sender
	Links tenant.Links
	Log   *slog.Logger
	Now   func() time.Time
	// DisableSessionCache makes every SessionUser read the database (to
	// measure what the cache saves; production leaves it false).
	DisableSessionCache bool

	sessions sessionCache
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Validation messages, in one place.
const (
	msgEmailInvalid    = "Enter a valid email address, like name@example.org."
	msgNameLength      = "Enter a name of 1 to 200 characters."
	msgPasswordShort   = "Use a password of at least 10 characters."
	msgPasswordLong    = "Use a password of at most 200 characters."
	msgPasswordIsEmail = "Your password cannot be your email address."
	msgSignInFailed    = "The email or password is incorrect."
	msgDisabled        = "This account is disabled. Contact your organization's administrators."
	msgEmailTaken      = "An account with this email already exists. Sign in, or reset your password."
	msgLinkInvalid     = "This link is invalid or has expired. Ask for a new one."
	msgCurrentPassword = "Your current password is incorrect."
	msgRoleInvalid     = "Choose a role: member or admin."
	msgLastAdmin       = "The organization must keep at least one active admin."
	msgSelf            = "You cannot change your own role or status here."
)

// NormalizeEmail trims and lower-cases an email and checks its syntax.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 || len(s) > 254 {
		return s, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.IndexByte(s, '@')+1:], ".") && !strings.HasSuffix(s, "@localhost") {
		return s, false
	}
	return s, true
}

func checkName(f apperr.Fields, field, name string) string {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 200 {
		f[field] = msgNameLength
	}
	return name
}

func checkPassword(f apperr.Fields, field, password, email string) {
	switch {
	case utf8.RuneCountInString(password) < 10:
		f[field] = msgPasswordShort
	case len(password) > 200:
		f[field] = msgPasswordLong
	case strings.EqualFold(strings.TrimSpace(password), email):
		f[field] = msgPasswordIsEmail
	}
}

// audit writes one audit log entry with q (inside the caller's transaction).
func (s *Service) audit(ctx context.Context, q *orgdb.Queries, a Actor, action, subject, detail string) error {
	return Audit(ctx, q, s.now(), a, action, subject, detail)
}

// Audit writes one entry of the org's audit log with q, so other
// capabilities (settings, payments) record admin actions in the same
// transaction as the action itself.
func Audit(ctx context.Context, q *orgdb.Queries, at time.Time, a Actor, action, subject, detail string) error {
	return q.AuditCreate(ctx, orgdb.AuditCreateParams{
		At: at.UTC(), ActorID: sql.NullInt64{Int64: a.UserID, Valid: a.UserID != 0},
		Actor: a.Label, Action: action, Subject: subject, Detail: detail, Ip: a.IP,
	})
}

// UserByID returns the user with the given id.
func UserByID(ctx context.Context, sc *tenant.Scope, id int64) (User, error) {
	r, err := sc.Q().UserByID(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.Errorf(apperr.NotFound, "No such member.")
	}
	if err != nil {
		return User{}, err
	}
	return userFrom(r), nil
}

// SignUp creates a member account and returns it. An email already in use
// is a field error (sign-up cannot be used to probe in silence anyway: the
// same person could simply try to sign in).
func (s *Service) SignUp(ctx context.Context, sc *tenant.Scope, name, email, password string) (User, error) {
	f := apperr.Fields{}
	email, ok := NormalizeEmail(email)
	if !ok {
		f["email"] = msgEmailInvalid
	}
	name = checkName(f, "name", name)
	checkPassword(f, "password", password, email)
	if err := f.Err(); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	r, err := sc.W().UserCreate(ctx, orgdb.UserCreateParams{
		Email: email, Name: name, PasswordHash: hash, Role: string(RoleMember), CreatedAt: now, UpdatedAt: now,
	})
	if isUnique(err) {
		return User{}, apperr.Fields{"email": msgEmailTaken}.Err()
	}
	if err != nil {
		return User{}, err
	}
	return userFrom(r), nil
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
