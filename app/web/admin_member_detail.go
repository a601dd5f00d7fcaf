package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"sportsapp/app/account"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/membership"
	"sportsapp/app/money"
	"sportsapp/app/settings"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// seasonStatus is the membership a member holds for the current season, as
// the members list shows it: Status is "active", "pending", "rejected" or
// "" (none).
type seasonStatus struct {
	Status, TypeName string
}

// Label is the status in words.
func (m seasonStatus) Label() string {
	switch m.Status {
	case membership.StatusActive:
		return "Active"
	case membership.StatusPending:
		return "Awaiting payment"
	case membership.StatusRejected:
		return "Payment rejected"
	}
	return "None"
}

// memberSeasons returns the membership each of ids holds for season: one
// query for a page of the members list.
func memberSeasons(ctx context.Context, sc *tenant.Scope, season string, ids []int64) (map[int64]seasonStatus, error) {
	out := map[int64]seasonStatus{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := sc.Q().MemberSeasonStatuses(ctx, orgdb.MemberSeasonStatusesParams{UserIds: string(list), SeasonName: season})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if _, seen := out[r.UserID]; !seen { // the best first: active, pending, rejected
			out[r.UserID] = seasonStatus{Status: r.Status, TypeName: r.TypeName}
		}
	}
	return out, nil
}

// memberPayment is one membership with its payment on a member's page.
type memberPayment struct {
	orgdb.MemberPaymentsRow
	Decided string // when, in the org's time zone
}

// Price is the amount due as text.
func (m memberPayment) Price() string { return money.Format(m.AmountCents) + " " + m.Currency }

// Received is the amount received as text, "" when none was recorded.
func (m memberPayment) Received() string {
	if !m.ReceivedCents.Valid {
		return ""
	}
	return money.Format(m.ReceivedCents.Int64) + " " + m.Currency
}

// memberRegistration is one event registration on a member's page.
type memberRegistration struct{ orgdb.MemberRegistrationsRow }

// Fee is the registration's fee as text.
func (r memberRegistration) Fee() string { return money.Format(r.FeeCents) + " " + r.Currency }

// memberAuditEntry is one audit entry on a member's page.
type memberAuditEntry struct {
	orgdb.AuditLog
	When string // in the org's time zone
}

type memberDetailView struct {
	page
	Member        account.User
	Self          bool
	Profile       membership.Profile
	SeasonName    string
	Season        seasonStatus
	Joined        string
	LastSignIn    string
	Memberships   []memberPayment
	Teams         []team.Place
	Registrations []memberRegistration
	Audit         []memberAuditEntry
	Zone          string
}

// handleMemberDetail is an admin's page about one member: the account and
// profile with the emergency contact (the profile form tells members that
// admins can see it), memberships and payments, teams, event
// registrations and the audit entries about them.
func (s *Server) handleMemberDetail(c *fiber.Ctx) error {
	sc, err := tenant.From(c.UserContext())
	if err != nil {
		return err
	}
	id, err := memberID(c)
	if err != nil {
		return err
	}
	ctx, q := c.UserContext(), sc.Q()
	u, err := account.UserByID(ctx, sc, id) // NotFound for an unknown id
	if err != nil {
		return err
	}
	st, err := s.settings.Get(ctx, sc)
	if err != nil {
		return err
	}
	loc := st.Location()
	me, _ := currentUser(c)
	v := memberDetailView{page: s.pageFor(c, u.Name), Member: u, Self: u.ID == me.ID, SeasonName: st.SeasonName,
		Joined: localDate(u.CreatedAt, loc), LastSignIn: localDateTime(u.LastLoginAt, loc), Zone: st.Timezone}
	if v.Profile, err = membership.GetProfile(ctx, sc, u.ID); err != nil {
		return err
	}
	pays, err := q.MemberPayments(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, p := range pays {
		mp := memberPayment{MemberPaymentsRow: p}
		if p.DecidedAt.Valid {
			mp.Decided = localDateTime(p.DecidedAt.Time, loc)
		}
		if p.SeasonName == st.SeasonName && v.Season.Status == "" {
			v.Season = seasonStatus{Status: p.Status, TypeName: p.TypeName}
		}
		v.Memberships = append(v.Memberships, mp)
	}
	if v.Teams, err = team.Mine(ctx, sc, u.ID); err != nil {
		return err
	}
	regs, err := q.MemberRegistrations(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, r := range regs {
		v.Registrations = append(v.Registrations, memberRegistration{r})
	}
	entries, err := q.MemberAudit(ctx, orgdb.MemberAuditParams{Email: u.Email, UserID: sql.NullInt64{Int64: u.ID, Valid: true}})
	if err != nil {
		return err
	}
	for _, a := range entries {
		v.Audit = append(v.Audit, memberAuditEntry{AuditLog: a, When: localDateTime(a.At, loc)})
	}
	return s.render(c, fiber.StatusOK, "admin/member", v)
}

// localDate and localDateTime show an instant in the organization's time
// zone; "" for the zero time (never).
func localDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(settings.DateLayout)
}

func localDateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
