package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	mailer "sportsapp/app/mail"
	"sportsapp/app/tenant"
)

// ResetTTL is how long a password reset link stays valid.
const ResetTTL = time.Hour

// RequestPasswordReset mails a reset link to email if it belongs to an
// active account. It returns nil whether or not the account exists, and the
// mail goes out asynchronously, so neither the answer nor its timing tells
// who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, sc *tenant.Scope, email string) error {
	email, ok := NormalizeEmail(email)
	if !ok {
		return apperr.Fields{"email": msgEmailInvalid}.Err()
	}
	r, err := sc.Q().UserByEmail(ctx, email)
	if errors.Is(err, sql.ErrNoRows) || err == nil && r.Status != string(StatusActive) {
		return nil
	}
	if err != nil {
		return err
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	now := s.now()
	err = sc.W().PasswordResetCreate(ctx, orgdb.PasswordResetCreateParams{UserID: r.ID, TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)})
	if err != nil {
		return err
	}
	link := s.Links.Org(sc.Org.Slug) + "/password/reset?token=" + url.QueryEscape(token)
	msg := mailer.Message{
		To:       email,
		Subject:  fmt.Sprintf("Reset your %s password", sc.Org.Name),
		FromName: sc.Org.Name,
		Text: fmt.Sprintf("Hello %s,\n\nSomeone (hopefully you) asked to reset the password of your %s account.\n\nChoose a new password here (the link works once and expires in one hour):\n\n%s\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n",
			r.Name, sc.Org.Name, link),
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		s.Log.Error("send password reset", "org", sc.Org.Slug, "err", err)
	}
	return nil
}

// CheckResetToken reports whether a reset link's token can still be used.
func (s *Service) CheckResetToken(ctx context.Context, sc *tenant.Scope, token string) error {
	r, err := sc.Q().PasswordResetByTokenHash(ctx, auth.HashToken(token))
	if errors.Is(err, sql.ErrNoRows) || err == nil && (r.UsedAt.Valid || !s.now().Before(r.ExpiresAt)) {
		return apperr.Errorf(apperr.NotFound, msgLinkInvalid)
	}
	return err
}

// ResetPassword uses a reset token once to set a new password. Every session
// of the account ends and every other pending reset is voided.
//
// The link is checked and the password hashed before the write
// transaction (a hash inside it would hold the organization's other
// writes for tens of milliseconds); the transaction uses the link only if
// it is still unused, unexpired and for the same account.
func (s *Service) ResetPassword(ctx context.Context, sc *tenant.Scope, token, password string) (User, error) {
	read := func(q *orgdb.Queries) (orgdb.PasswordReset, orgdb.User, error) {
		r, err := q.PasswordResetByTokenHash(ctx, auth.HashToken(token))
		if errors.Is(err, sql.ErrNoRows) {
			return r, orgdb.User{}, apperr.Errorf(apperr.NotFound, msgLinkInvalid)
		}
		if err != nil {
			return r, orgdb.User{}, err
		}
		ur, err := q.UserByID(ctx, r.UserID)
		return r, ur, err
	}
	pre, preUser, err := read(sc.Q())
	if err != nil {
		return User{}, err
	}
	if pre.UsedAt.Valid || !s.now().Before(pre.ExpiresAt) || preUser.Status != string(StatusActive) {
		return User{}, apperr.Errorf(apperr.NotFound, msgLinkInvalid)
	}
	f := apperr.Fields{}
	checkPassword(f, "password", password, preUser.Email)
	if err := f.Err(); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		r, ur, err := read(q)
		if err != nil {
			return err
		}
		if r.ID != pre.ID || ur.ID != preUser.ID || ur.Email != preUser.Email {
			return apperr.Errorf(apperr.NotFound, msgLinkInvalid)
		}
		now := s.now()
		n, err := q.PasswordResetUse(ctx, orgdb.PasswordResetUseParams{UsedAt: sql.NullTime{Time: now, Valid: true}, ID: r.ID, ExpiresAt: now})
		if err != nil {
			return err
		}
		if n != 1 || ur.Status != string(StatusActive) {
			return apperr.Errorf(apperr.NotFound, msgLinkInvalid)
		}
		if err := q.UserSetPassword(ctx, orgdb.UserSetPasswordParams{PasswordHash: hash, UpdatedAt: now, ID: ur.ID}); err != nil {
			return err
		}
		if err := q.PasswordResetInvalidateForUser(ctx, orgdb.PasswordResetInvalidateForUserParams{UsedAt: sql.NullTime{Time: now, Valid: true}, UserID: ur.ID}); err != nil {
			return err
		}
		u = userFrom(ur)
		return q.SessionDeleteByUser(ctx, ur.ID)
	})
	if err == nil {
		s.forgetUser(sc, u.ID)
	}
	return u, err
}
