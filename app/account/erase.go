package account

import (
	"context"
	"database/sql"
	"fmt"

	"sportsapp/app/apperr"
	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// Erasing an account (issue 17, docs/offboarding.md): a member deletes
// their own account at /profile/delete, or an admin does it for them on
// request. Personal fields are erased: the name and email are replaced by
// an anonymous label, the password can never match, the member profile
// (birth date, phone, emergency contact), sessions, reset links and
// invitations to their address are deleted, and they leave every team (a
// team whose only captain they were gets its longest-standing member as
// captain). The organization keeps its accounting: memberships, payments
// and event registrations stay, pointing to the anonymised account, so
// every total is unchanged. The audit log records the erasure under the anonymous
// label, and entries about the member are rewritten to the label.

// ErasedName is the name an erased account carries.
const ErasedName = "Deleted member"

// ErasedEmail is the address an erased account carries: unique, and in a
// domain reserved to never exist (RFC 2606).
func ErasedEmail(id int64) string { return fmt.Sprintf("deleted-%d@deleted.invalid", id) }

// IsErased reports whether u is an erased account.
func IsErased(u User) bool { return u.Email == ErasedEmail(u.ID) }

const msgErasePassword = "Your password is incorrect."

// EraseSelf erases the signed-in member's own account after checking
// their password. The last active admin cannot leave the organization
// without an admin.
func (s *Service) EraseSelf(ctx context.Context, sc *tenant.Scope, u User, password string) error {
	r, err := sc.Q().UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	ok, err := auth.CheckPassword(ctx, r.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Fields{"password": msgErasePassword}.Err()
	}
	return s.erase(ctx, sc, u.ID, Actor{UserID: u.ID, Label: ErasedEmail(u.ID)}, "at the member's request")
}

// EraseOnRequest is an admin erasing a member's account at the member's
// request. An admin erases their own account from their profile.
func (s *Service) EraseOnRequest(ctx context.Context, sc *tenant.Scope, by Actor, userID int64) error {
	if by.UserID == userID {
		return apperr.Errorf(apperr.Forbidden, "To delete your own account, use your profile page.")
	}
	return s.erase(ctx, sc, userID, by, "by an admin at the member's request")
}

func (s *Service) erase(ctx context.Context, sc *tenant.Scope, userID int64, by Actor, why string) error {
	label := ErasedEmail(userID)
	now := s.now()
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		u, err := q.UserByID(ctx, userID)
		if err == sql.ErrNoRows {
			return apperr.Errorf(apperr.NotFound, "No such member.")
		}
		if err != nil {
			return err
		}
		if u.Email == label {
			return apperr.Errorf(apperr.Conflict, "This account is already deleted.")
		}
		if u.Role == string(RoleAdmin) {
			if err := keepAnAdmin(ctx, q, u); err != nil {
				return err
			}
		}
		id := sql.NullInt64{Int64: userID, Valid: true}
		var handedOver int64
		steps := []func() error{
			func() error { return q.SessionDeleteByUser(ctx, userID) },
			func() error { return q.OffboardEraseResets(ctx, userID) },
			func() error { return q.OffboardEraseProfile(ctx, userID) },
			func() error { return q.OffboardEraseInvitations(ctx, u.Email) },
			func() error { return q.OffboardEraseTeamInvitations(ctx, u.Email) },
			func() error {
				handedOver, err = q.OffboardHandOverCaptaincy(ctx, orgdb.OffboardHandOverCaptaincyParams{UpdatedAt: now, UserID: id})
				return err
			},
			func() error {
				return q.OffboardLeaveTeams(ctx, orgdb.OffboardLeaveTeamsParams{UpdatedAt: now, UserID: id})
			},
			func() error {
				return q.OffboardEraseAudit(ctx, orgdb.OffboardEraseAuditParams{Email: u.Email, Label: label, Name: u.Name, UserID: id})
			},
			func() error {
				return q.OffboardEraseDecidedBy(ctx, orgdb.OffboardEraseDecidedByParams{Label: label, Email: u.Email})
			},
			func() error {
				return q.OffboardEraseRegistrationDecidedBy(ctx, orgdb.OffboardEraseRegistrationDecidedByParams{Label: label, Email: u.Email})
			},
			func() error {
				return q.OffboardEraseSettingsSavedBy(ctx, orgdb.OffboardEraseSettingsSavedByParams{Label: label, Email: u.Email})
			},
			func() error {
				return q.OffboardEraseSettingsUpdatedBy(ctx, orgdb.OffboardEraseSettingsUpdatedByParams{Label: label, Email: u.Email})
			},
			func() error {
				return q.OffboardEraseUser(ctx, orgdb.OffboardEraseUserParams{Email: label, Name: ErasedName, UpdatedAt: now, ID: userID})
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		detail := "account deleted " + why + "; payments and registrations kept"
		if handedOver > 0 {
			detail += fmt.Sprintf("; captaincy of %d team(s) handed to their longest-standing member", handedOver)
		}
		return s.audit(ctx, q, by, "user.erase", label, detail)
	})
	if err == nil {
		s.forgetUser(sc, userID)
	}
	return err
}

// Erased reports whether u is an erased account (for templates).
func (u User) Erased() bool { return IsErased(u) }
