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

// InvitationTTL is how long an invitation link stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation is an offer to join an organization with a role.
type Invitation struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time
	RevokedAt  time.Time
}

// State describes an invitation for lists: pending, accepted, revoked or expired.
func (i Invitation) State(now time.Time) string {
	switch {
	case !i.AcceptedAt.IsZero():
		return "accepted"
	case !i.RevokedAt.IsZero():
		return "revoked"
	case !now.Before(i.ExpiresAt):
		return "expired"
	}
	return "pending"
}

func invitationFrom(r orgdb.Invitation) Invitation {
	return Invitation{
		ID: r.ID, Email: r.Email, Name: r.Name, Role: Role(r.Role), CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt, AcceptedAt: r.AcceptedAt.Time, RevokedAt: r.RevokedAt.Time,
	}
}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, bool) {
	switch Role(s) {
	case RoleMember, RoleAdmin:
		return Role(s), true
	}
	return "", false
}

// Invite creates an invitation for email with role, revoking any open
// invitation to the same address, mails the link, and returns the
// invitation and the link (the CLI prints it when no SMTP is configured).
func (s *Service) Invite(ctx context.Context, sc *tenant.Scope, by Actor, email, name string, role Role) (Invitation, string, error) {
	p, err := s.PrepareInvitation(by, email, name, role)
	if err != nil {
		return Invitation{}, "", err
	}
	if err := sc.Tx(ctx, func(q *orgdb.Queries) error { return p.Write(ctx, q) }); err != nil {
		return Invitation{}, "", err
	}
	link := s.SendInvitation(ctx, sc.Org, p)
	return p.Invitation, link, nil
}

// PreparedInvitation is a validated invitation and its token, ready to be
// written into an organization's database (by Invite, or by onboarding
// while the organization is being created) and then mailed.
type PreparedInvitation struct {
	Invitation Invitation
	token      string
	hash       []byte
	by         Actor
	svc        *Service
}

// PrepareInvitation validates an invitation and draws its token.
func (s *Service) PrepareInvitation(by Actor, email, name string, role Role) (*PreparedInvitation, error) {
	f := apperr.Fields{}
	email, ok := NormalizeEmail(email)
	if !ok {
		f["email"] = msgEmailInvalid
	}
	if name != "" {
		name = checkName(f, "name", name)
	}
	if _, ok := ParseRole(string(role)); !ok {
		f["role"] = msgRoleInvalid
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	now := s.now()
	return &PreparedInvitation{
		Invitation: Invitation{Email: email, Name: name, Role: role, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)},
		token:      token, hash: hash, by: by, svc: s,
	}, nil
}

// Write stores the invitation with q (in the caller's transaction),
// revoking older open invitations to the same email, and audits it.
func (p *PreparedInvitation) Write(ctx context.Context, q *orgdb.Queries) error {
	inv := p.Invitation
	if err := q.InvitationRevokeOpenForEmail(ctx, orgdb.InvitationRevokeOpenForEmailParams{RevokedAt: sql.NullTime{Time: inv.CreatedAt, Valid: true}, Email: inv.Email}); err != nil {
		return err
	}
	r, err := q.InvitationCreate(ctx, orgdb.InvitationCreateParams{
		Email: inv.Email, Name: inv.Name, Role: string(inv.Role), TokenHash: p.hash,
		InvitedBy: sql.NullInt64{Int64: p.by.UserID, Valid: p.by.UserID != 0},
		CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt,
	})
	if err != nil {
		return err
	}
	p.Invitation = invitationFrom(r)
	return Audit(ctx, q, inv.CreatedAt, p.by, "invitation.create", inv.Email, "role "+string(inv.Role))
}

// SendInvitation mails a written invitation from org's host and returns
// its link. A mail failure is logged, not returned: the link can still be
// passed on by hand.
func (s *Service) SendInvitation(ctx context.Context, org tenant.Org, p *PreparedInvitation) string {
	inv := p.Invitation
	link := s.Links.Org(org.Slug) + "/invite?token=" + url.QueryEscape(p.token)
	msg := mailer.Message{
		To:       inv.Email,
		Subject:  fmt.Sprintf("You are invited to join %s", org.Name),
		FromName: org.Name,
		Text: fmt.Sprintf("Hello%s,\n\nYou have been invited to join %s as %s.\n\nSet your password and sign in here (the link works once and expires on %s):\n\n%s\n\nIf you were not expecting this, you can ignore this message.\n",
			greetingName(inv.Name), org.Name, roleLabel(inv.Role), inv.ExpiresAt.Format("January 2, 2006"), link),
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		s.Log.Error("send invitation", "org", org.Slug, "to", inv.Email, "err", err)
	}
	return link
}

func greetingName(name string) string {
	if name == "" {
		return ""
	}
	return " " + name
}

func roleLabel(r Role) string {
	if r == RoleAdmin {
		return "an administrator"
	}
	return "a member"
}

// openInvitation returns the invitation a token names if it can still be
// accepted; otherwise the same message whatever the reason.
func (s *Service) openInvitation(ctx context.Context, q *orgdb.Queries, token string) (orgdb.Invitation, error) {
	r, err := q.InvitationByTokenHash(ctx, auth.HashToken(token))
	if errors.Is(err, sql.ErrNoRows) || err == nil && invitationFrom(r).State(s.now()) != "pending" {
		return orgdb.Invitation{}, apperr.Errorf(apperr.NotFound, msgLinkInvalid)
	}
	return r, err
}

// InvitationByToken returns the pending invitation a link's token names.
func (s *Service) InvitationByToken(ctx context.Context, sc *tenant.Scope, token string) (Invitation, error) {
	r, err := s.openInvitation(ctx, sc.Q(), token)
	if err != nil {
		return Invitation{}, err
	}
	return invitationFrom(r), nil
}

// AcceptInvitation uses an invitation once: it creates the account with the
// invited role and the chosen password (or, if the email already has an
// account, sets its password and raises its role to the invited one), signs
// out every other session of that account and audits it. It returns the
// user.
//
// The password is checked and hashed before the write transaction, from a
// read of the invitation: an argon2id hash takes tens of milliseconds, and
// inside the transaction it would hold every other write to the
// organization for as long. The transaction then reads the invitation
// again and uses it only if it is still the same one and still pending.
func (s *Service) AcceptInvitation(ctx context.Context, sc *tenant.Scope, token, name, password string, cl Client) (User, error) {
	pre, err := s.openInvitation(ctx, sc.Q(), token)
	if err != nil {
		return User{}, err
	}
	f := apperr.Fields{}
	name = checkName(f, "name", name)
	checkPassword(f, "password", password, pre.Email)
	if err := f.Err(); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		inv, err := s.openInvitation(ctx, q, token)
		if err != nil {
			return err
		}
		if inv.ID != pre.ID || inv.Email != pre.Email {
			return apperr.Errorf(apperr.NotFound, msgLinkInvalid)
		}
		now := s.now()
		n, err := q.InvitationAccept(ctx, orgdb.InvitationAcceptParams{AcceptedAt: sql.NullTime{Time: now, Valid: true}, ID: inv.ID, ExpiresAt: now})
		if err != nil {
			return err
		}
		if n != 1 {
			return apperr.Errorf(apperr.NotFound, msgLinkInvalid)
		}
		existing, err := q.UserByEmail(ctx, inv.Email)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			r, err := q.UserCreate(ctx, orgdb.UserCreateParams{
				Email: inv.Email, Name: name, PasswordHash: hash, Role: inv.Role, CreatedAt: now, UpdatedAt: now,
			})
			if err != nil {
				return err
			}
			u = userFrom(r)
		case err != nil:
			return err
		default:
			if err := q.UserSetPassword(ctx, orgdb.UserSetPasswordParams{PasswordHash: hash, UpdatedAt: now, ID: existing.ID}); err != nil {
				return err
			}
			if inv.Role == string(RoleAdmin) && existing.Role != inv.Role {
				if err := q.UserSetRole(ctx, orgdb.UserSetRoleParams{Role: inv.Role, UpdatedAt: now, ID: existing.ID}); err != nil {
					return err
				}
				existing.Role = inv.Role
			}
			if err := q.SessionDeleteByUser(ctx, existing.ID); err != nil {
				return err
			}
			u = userFrom(existing)
		}
		return s.audit(ctx, q, Actor{UserID: u.ID, Label: u.Email, IP: cl.IP}, "invitation.accept", u.Email, "role "+string(u.Role))
	})
	if err == nil {
		s.forgetUser(sc, u.ID) // an existing account's sessions ended and its role may have changed
	}
	return u, err
}

// RevokeInvitation withdraws a pending invitation.
func (s *Service) RevokeInvitation(ctx context.Context, sc *tenant.Scope, by Actor, id int64) error {
	return sc.Tx(ctx, func(q *orgdb.Queries) error {
		inv, err := q.InvitationByID(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "No such invitation.")
		}
		if err != nil {
			return err
		}
		n, err := q.InvitationRevoke(ctx, orgdb.InvitationRevokeParams{RevokedAt: sql.NullTime{Time: s.now(), Valid: true}, ID: id})
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.Errorf(apperr.Conflict, "This invitation was already accepted or revoked.")
		}
		return s.audit(ctx, q, by, "invitation.revoke", inv.Email, "")
	})
}

// RecentInvitations lists the newest invitations.
func RecentInvitations(ctx context.Context, sc *tenant.Scope, limit int) ([]Invitation, error) {
	return invitationsFrom(sc.Q().InvitationListRecent(ctx, int64(limit)))
}

func invitationsFrom(rows []orgdb.Invitation, err error) ([]Invitation, error) {
	if err != nil {
		return nil, err
	}
	out := make([]Invitation, len(rows))
	for i, r := range rows {
		out[i] = invitationFrom(r)
	}
	return out, nil
}

// InvitationsByRole lists the newest invitations to role (the console shows
// an organization's admin invitations).
func InvitationsByRole(ctx context.Context, sc *tenant.Scope, role Role, limit int) ([]Invitation, error) {
	return invitationsFrom(sc.Q().InvitationListByRole(ctx, orgdb.InvitationListByRoleParams{Role: string(role), Limit: int64(limit)}))
}
