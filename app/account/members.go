package account

import (
	"context"
	"strings"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// UpdateName changes a user's own display name.
func (s *Service) UpdateName(ctx context.Context, sc *tenant.Scope, u User, name string) (User, error) {
	f := apperr.Fields{}
	name = checkName(f, "name", name)
	if err := f.Err(); err != nil {
		return u, err
	}
	if err := sc.W().UserSetName(ctx, orgdb.UserSetNameParams{Name: name, UpdatedAt: s.now(), ID: u.ID}); err != nil {
		return u, err
	}
	s.forgetUser(sc, u.ID) // cached sessions carry the name
	u.Name = name
	return u, nil
}

// ChangePassword sets a new password after checking the current one. Every
// session of the account ends, and a new one is returned for the caller, so
// a stolen cookie stops working the moment the owner changes the password.
func (s *Service) ChangePassword(ctx context.Context, sc *tenant.Scope, u User, current, next string, cl Client) (string, error) {
	r, err := sc.Q().UserByID(ctx, u.ID)
	if err != nil {
		return "", err
	}
	ok, err := auth.CheckPassword(ctx, r.PasswordHash, current)
	if err != nil {
		return "", err
	}
	f := apperr.Fields{}
	if !ok {
		f["current_password"] = msgCurrentPassword
	}
	checkPassword(f, "new_password", next, r.Email)
	if err := f.Err(); err != nil {
		return "", err
	}
	hash, err := hashPassword(ctx, next)
	if err != nil {
		return "", err
	}
	var token string
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		if err := q.UserSetPassword(ctx, orgdb.UserSetPasswordParams{PasswordHash: hash, UpdatedAt: s.now(), ID: u.ID}); err != nil {
			return err
		}
		if err := q.SessionDeleteByUser(ctx, u.ID); err != nil {
			return err
		}
		token, err = s.startSession(ctx, q, u.ID, cl)
		return err
	})
	if err == nil {
		s.forgetUser(sc, u.ID)
	}
	return token, err
}

// MemberPage is one page of the members list.
type MemberPage struct {
	Users    []User
	Query    string
	Page     int // 1-based
	PageSize int
	Total    int64
}

// Pages returns the number of pages.
func (p MemberPage) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return int((p.Total + int64(p.PageSize) - 1) / int64(p.PageSize))
}

// HasPrev and HasNext tell whether there are pages around this one.
func (p MemberPage) HasPrev() bool { return p.Page > 1 }

// HasNext reports whether a later page exists.
func (p MemberPage) HasNext() bool { return p.Page < p.Pages() }

// MembersPageSize is how many members one page of the list shows.
const MembersPageSize = 25

// ListMembers returns one page of members whose name or email contains
// query (case-insensitive), by name.
func ListMembers(ctx context.Context, sc *tenant.Scope, query string, page int) (MemberPage, error) {
	query = strings.ToLower(strings.TrimSpace(query))
	if len(query) > 100 {
		query = query[:100]
	}
	if page < 1 {
		page = 1
	}
	p := MemberPage{Query: query, Page: page, PageSize: MembersPageSize}
	var err error
	if p.Total, err = sc.Q().UserSearchCount(ctx, query); err != nil {
		return p, err
	}
	if p.Page > p.Pages() {
		p.Page = p.Pages()
	}
	rows, err := sc.Q().UserSearch(ctx, orgdb.UserSearchParams{Query: query, Lim: int64(p.PageSize), Off: int64((p.Page - 1) * p.PageSize)})
	if err != nil {
		return p, err
	}
	p.Users = make([]User, len(rows))
	for i, r := range rows {
		p.Users[i] = userFrom(r)
	}
	return p, nil
}

// SetRole changes a member's role. An admin cannot change their own role
// (no accidental self-demotion) and the last active admin stays an admin.
// The member's sessions end: a privilege change takes effect at once and
// the next sign-in starts a fresh session.
func (s *Service) SetRole(ctx context.Context, sc *tenant.Scope, by Actor, userID int64, role Role) (User, error) {
	if _, ok := ParseRole(string(role)); !ok {
		return User{}, apperr.Fields{"role": msgRoleInvalid}.Err()
	}
	return s.changeUser(ctx, sc, by, userID, func(q *orgdb.Queries, u *orgdb.User) (string, error) {
		if u.Role == string(role) {
			return "", nil
		}
		if u.Role == string(RoleAdmin) {
			if err := keepAnAdmin(ctx, q, *u); err != nil {
				return "", err
			}
		}
		u.Role = string(role)
		return "user.role", q.UserSetRole(ctx, orgdb.UserSetRoleParams{Role: u.Role, UpdatedAt: s.now(), ID: u.ID})
	})
}

// SetStatus disables or re-enables an account. Disabling ends its sessions.
func (s *Service) SetStatus(ctx context.Context, sc *tenant.Scope, by Actor, userID int64, status Status) (User, error) {
	if status != StatusActive && status != StatusDisabled {
		return User{}, apperr.Errorf(apperr.Invalid, "Unknown status.")
	}
	return s.changeUser(ctx, sc, by, userID, func(q *orgdb.Queries, u *orgdb.User) (string, error) {
		if u.Status == string(status) {
			return "", nil
		}
		if status == StatusDisabled && u.Role == string(RoleAdmin) {
			if err := keepAnAdmin(ctx, q, *u); err != nil {
				return "", err
			}
		}
		u.Status = string(status)
		action := "user.enable"
		if status == StatusDisabled {
			action = "user.disable"
		}
		return action, q.UserSetStatus(ctx, orgdb.UserSetStatusParams{Status: u.Status, UpdatedAt: s.now(), ID: u.ID})
	})
}

// changeUser runs one admin change on a user in a transaction: refuses
// changes to oneself, applies change, ends the user's sessions and audits.
// change returns the audit action, or "" when nothing changed.
func (s *Service) changeUser(ctx context.Context, sc *tenant.Scope, by Actor, userID int64, change func(*orgdb.Queries, *orgdb.User) (string, error)) (User, error) {
	if by.UserID == userID {
		return User{}, apperr.Errorf(apperr.Forbidden, msgSelf)
	}
	var out User
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		u, err := q.UserByID(ctx, userID)
		if err != nil {
			return apperr.Errorf(apperr.NotFound, "No such member.")
		}
		if u.Email == ErasedEmail(u.ID) {
			return apperr.Errorf(apperr.Conflict, "This account was deleted at the member's request; it cannot be changed.")
		}
		action, err := change(q, &u)
		if err != nil || action == "" {
			out = userFrom(u)
			return err
		}
		if err := q.SessionDeleteByUser(ctx, u.ID); err != nil {
			return err
		}
		out = userFrom(u)
		return s.audit(ctx, q, by, action, u.Email, "role "+u.Role+", status "+u.Status)
	})
	if err == nil {
		s.forgetUser(sc, userID)
	}
	return out, err
}

// keepAnAdmin refuses a change that would leave no active admin.
func keepAnAdmin(ctx context.Context, q *orgdb.Queries, u orgdb.User) error {
	if u.Status != string(StatusActive) {
		return nil
	}
	n, err := q.UserCountActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return apperr.Errorf(apperr.Conflict, msgLastAdmin)
	}
	return nil
}
