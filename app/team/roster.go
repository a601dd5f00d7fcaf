package team

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/tenant"
)

// Member is a person on a team's roster as one viewer may see them: Email
// and Phone are empty unless the viewer is a teammate and the person
// allows it (member_profiles.show_email, show_phone) or is the viewer.
type Member struct {
	ID           int64 // the team_members row
	Name         string
	Role, Status string
	Email, Phone string
	InvitedEmail string // pending invitations, for captains only
	Self         bool
}

// Pending reports whether the member has not answered their invitation.
func (m Member) Pending() bool { return m.Status == StatusInvited }

// IsCaptain reports whether the member captains the team.
func (m Member) IsCaptain() bool { return m.Role == RoleCaptain && m.Status == StatusActive }

// View is a team's page for one viewer.
type View struct {
	Team        Team
	Roster      []Member // active members
	Invitations []Member // pending invitations; only captains see them
	MyRole      string   // the viewer's role, if invited or active
	MyStatus    string   // invited, active, or "" when not on the team
	IsCaptain   bool
}

// SoleCaptain reports whether the viewer is the team's only captain, who
// may not leave (the team would have none): the page says so instead of
// offering a button that is refused.
func (v View) SoleCaptain() bool {
	if !v.IsCaptain {
		return false
	}
	n := 0
	for _, m := range v.Roster {
		if m.IsCaptain() {
			n++
		}
	}
	return n <= 1
}

// Page returns slug's team as viewer sees it.
func Page(ctx context.Context, sc *tenant.Scope, slug string, viewer account.User) (View, error) {
	q := sc.Q()
	t, err := bySlug(ctx, q, slug)
	if err != nil {
		return View{}, err
	}
	v := View{Team: teamFrom(t)}
	rows, err := q.TeamMemberRoster(ctx, orgdb.TeamMemberRosterParams{TeamID: t.ID, Limit: 500})
	if err != nil {
		return View{}, err
	}
	for _, r := range rows {
		if r.UserID.Valid && r.UserID.Int64 == viewer.ID {
			v.MyRole, v.MyStatus = r.Role, r.Status
		}
	}
	v.IsCaptain = v.MyRole == RoleCaptain && v.MyStatus == StatusActive
	teammate := v.MyStatus == StatusActive
	for _, r := range rows {
		self := r.UserID.Valid && r.UserID.Int64 == viewer.ID
		m := Member{ID: r.ID, Name: r.Name, Role: r.Role, Status: r.Status, Self: self}
		if r.Status == StatusInvited {
			if v.IsCaptain {
				m.InvitedEmail = r.InvitedEmail
				if m.InvitedEmail == "" {
					m.InvitedEmail = r.UserEmail // an account invited by its email
				}
				v.Invitations = append(v.Invitations, m)
			}
			continue
		}
		if teammate && (r.ShowEmail || self) {
			m.Email = r.UserEmail
		}
		if teammate && (r.ShowPhone || self) {
			m.Phone = r.Phone
		}
		v.Roster = append(v.Roster, m)
	}
	return v, nil
}

// Place is one of a member's teams, or an invitation to one.
type Place struct {
	Team
	MemberID     int64
	Role, Status string
}

// Pending reports whether this is an invitation not yet answered.
func (p Place) Pending() bool { return p.Status == StatusInvited }

// Mine returns u's teams and invitations, by team name.
func Mine(ctx context.Context, sc *tenant.Scope, userID int64) ([]Place, error) {
	rows, err := sc.Q().TeamListByUser(ctx, orgdb.TeamListByUserParams{UserID: sql.NullInt64{Int64: userID, Valid: true}, Limit: 200})
	if err != nil {
		return nil, err
	}
	out := make([]Place, len(rows))
	for i, r := range rows {
		out[i] = Place{Team: Team{ID: r.ID, Slug: r.Slug, Name: r.Name, City: r.City, Province: r.Province, Colours: r.Colours},
			MemberID: r.MemberID, Role: r.Role, Status: r.Status}
	}
	return out, nil
}

// Claim attaches to u the team invitations sent to u's email before u had
// an account (they came with an account invitation). It runs when u opens
// the teams pages, so it needs no hook in sign-up or invitation
// acceptance, and it only writes when there is something to attach.
// Whoever holds the account with that email gets them: the same trust as
// an invitation to an existing account.
func (s *Service) Claim(ctx context.Context, sc *tenant.Scope, u account.User) error {
	n, err := sc.Q().TeamMemberUnclaimedCount(ctx, u.Email)
	if err != nil || n == 0 {
		return err
	}
	return sc.Tx(ctx, func(q *orgdb.Queries) error { return claim(ctx, q, u.ID, u.Email, s.now()) })
}

func claim(ctx context.Context, q *orgdb.Queries, userID int64, email string, now time.Time) error {
	if _, err := q.TeamMemberClaim(ctx, orgdb.TeamMemberClaimParams{UserID: sql.NullInt64{Int64: userID, Valid: true}, UpdatedAt: now, Email: email}); err != nil {
		return err
	}
	// Left over: invitations to teams where the account already has a place.
	return q.TeamMemberDropUnclaimed(ctx, orgdb.TeamMemberDropUnclaimedParams{UpdatedAt: now, Email: email})
}

// place returns userID's invited-or-active row on team (sql.ErrNoRows if none).
func place(ctx context.Context, q *orgdb.Queries, teamID, userID int64) (orgdb.TeamMember, error) {
	return q.TeamMemberOpenForUser(ctx, orgdb.TeamMemberOpenForUserParams{TeamID: teamID, UserID: sql.NullInt64{Int64: userID, Valid: true}})
}

// asCaptain runs fn in a transaction if by captains slug's team.
func (s *Service) asCaptain(ctx context.Context, sc *tenant.Scope, by account.Actor, slug string, fn func(q *orgdb.Queries, t orgdb.Team) error) error {
	return sc.Tx(ctx, func(q *orgdb.Queries) error {
		t, err := bySlug(ctx, q, slug)
		if err != nil {
			return err
		}
		me, err := place(ctx, q, t.ID, by.UserID)
		if errors.Is(err, sql.ErrNoRows) || err == nil && (me.Role != RoleCaptain || me.Status != StatusActive) {
			return apperr.Errorf(apperr.Forbidden, msgNotCaptain)
		}
		if err != nil {
			return err
		}
		return fn(q, t)
	})
}

// Invite is a captain inviting someone by email as a player or coach. A
// person with an account gets an invitation on their teams page. A person
// without one also gets the organization's account invitation (mailed
// after the transaction), unless one is already open for that email: a new
// one would revoke it, and it may be an admin's. The team invitation is
// keyed by email until Claim attaches it. The answer is the same whether
// or not the email has an account, so captains cannot probe who is a
// member. It returns the normalized email.
func (s *Service) Invite(ctx context.Context, sc *tenant.Scope, by account.Actor, slug, email, role string) (string, error) {
	f := apperr.Fields{}
	email, ok := account.NormalizeEmail(email)
	if !ok {
		f["email"] = msgEmail
	}
	if role != RolePlayer && role != RoleCoach {
		f["role"] = msgRole
	}
	if err := f.Err(); err != nil {
		return email, err
	}
	var mailing *account.PreparedInvitation
	err := s.asCaptain(ctx, sc, by, slug, func(q *orgdb.Queries, t orgdb.Team) error {
		now := s.now()
		row := orgdb.TeamMemberCreateParams{TeamID: t.ID, Email: email, Role: role, Status: StatusInvited,
			InvitedBy: sql.NullInt64{Int64: by.UserID, Valid: true}, CreatedAt: now, UpdatedAt: now}
		u, err := q.UserByEmail(ctx, email)
		switch {
		case err == nil:
			row.UserID = sql.NullInt64{Int64: u.ID, Valid: true}
			// An invitation sent before the account existed counts as theirs.
			if err := claim(ctx, q, u.ID, email, now); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := q.TeamMemberCreate(ctx, row); isUnique(err) {
			return apperr.Errorf(apperr.Conflict, msgAlreadyOnTeam)
		} else if err != nil {
			return err
		}
		if row.UserID.Valid {
			return nil
		}
		open, err := q.TeamMemberOpenAccountInvitations(ctx, orgdb.TeamMemberOpenAccountInvitationsParams{Email: email, ExpiresAt: now})
		if err != nil || open > 0 {
			return err
		}
		// account.Invite's own steps, so that the account invitation and
		// the team invitation are written together or not at all.
		if mailing, err = s.Accounts.PrepareInvitation(by, email, "", account.RoleMember); err != nil {
			return err
		}
		return mailing.Write(ctx, q)
	})
	if err == nil && mailing != nil {
		s.Accounts.SendInvitation(ctx, sc.Org, mailing)
	}
	return email, err
}

// Accept makes u's invitation to slug's team a place on it.
func (s *Service) Accept(ctx context.Context, sc *tenant.Scope, u account.User, slug string) (Team, error) {
	return s.answer(ctx, sc, u, slug, StatusActive)
}

// Decline refuses u's invitation to slug's team.
func (s *Service) Decline(ctx context.Context, sc *tenant.Scope, u account.User, slug string) (Team, error) {
	return s.answer(ctx, sc, u, slug, StatusDeclined)
}

func (s *Service) answer(ctx context.Context, sc *tenant.Scope, u account.User, slug, status string) (Team, error) {
	if err := s.Claim(ctx, sc, u); err != nil {
		return Team{}, err
	}
	var t orgdb.Team
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		var err error
		if t, err = bySlug(ctx, q, slug); err != nil {
			return err
		}
		me, err := place(ctx, q, t.ID, u.ID)
		if errors.Is(err, sql.ErrNoRows) || err == nil && me.Status != StatusInvited {
			return apperr.Errorf(apperr.NotFound, msgNoInvitation)
		}
		if err != nil {
			return err
		}
		return s.setStatus(ctx, q, me, status)
	})
	return teamFrom(t), err
}

func (s *Service) setStatus(ctx context.Context, q *orgdb.Queries, m orgdb.TeamMember, status string) error {
	now := s.now()
	n, err := q.TeamMemberSetStatus(ctx, orgdb.TeamMemberSetStatusParams{
		NewStatus: status, RespondedAt: sql.NullTime{Time: now, Valid: true}, UpdatedAt: now, ID: m.ID, OldStatus: m.Status,
	})
	if err == nil && n != 1 {
		err = apperr.Errorf(apperr.Conflict, msgNoMember)
	}
	return err
}

// keepsCaptain refuses to take m off the team (or out of the captaincy)
// when m is its last captain.
func keepsCaptain(ctx context.Context, q *orgdb.Queries, m orgdb.TeamMember) error {
	if m.Role != RoleCaptain || m.Status != StatusActive {
		return nil
	}
	n, err := q.TeamMemberCaptainCount(ctx, m.TeamID)
	if err == nil && n <= 1 {
		err = apperr.Errorf(apperr.Conflict, msgLastCaptain)
	}
	return err
}

// Leave takes u off slug's team, unless u is its last captain.
func (s *Service) Leave(ctx context.Context, sc *tenant.Scope, u account.User, slug string) (Team, error) {
	var t orgdb.Team
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		var err error
		if t, err = bySlug(ctx, q, slug); err != nil {
			return err
		}
		me, err := place(ctx, q, t.ID, u.ID)
		if errors.Is(err, sql.ErrNoRows) || err == nil && me.Status != StatusActive {
			return apperr.Errorf(apperr.NotFound, msgNotOnTeam)
		}
		if err != nil {
			return err
		}
		if err := keepsCaptain(ctx, q, me); err != nil {
			return err
		}
		return s.setStatus(ctx, q, me, StatusRemoved)
	})
	return teamFrom(t), err
}

// target returns the invited-or-active row id of team t.
func target(ctx context.Context, q *orgdb.Queries, t orgdb.Team, id int64) (orgdb.TeamMember, error) {
	m, err := q.TeamMemberGet(ctx, orgdb.TeamMemberGetParams{ID: id, TeamID: t.ID})
	if errors.Is(err, sql.ErrNoRows) || err == nil && m.Status != StatusInvited && m.Status != StatusActive {
		return m, apperr.Errorf(apperr.NotFound, msgNoMember)
	}
	return m, err
}

// who names a roster row in the audit log.
func who(ctx context.Context, q *orgdb.Queries, m orgdb.TeamMember) string {
	if m.UserID.Valid {
		if u, err := q.UserByID(ctx, m.UserID.Int64); err == nil {
			return u.Email
		}
	}
	return m.Email
}

// Remove is a captain taking a member off the team, or withdrawing an
// invitation; never the team's last captain.
func (s *Service) Remove(ctx context.Context, sc *tenant.Scope, by account.Actor, slug string, id int64) error {
	return s.asCaptain(ctx, sc, by, slug, func(q *orgdb.Queries, t orgdb.Team) error {
		m, err := target(ctx, q, t, id)
		if err != nil {
			return err
		}
		if err := keepsCaptain(ctx, q, m); err != nil {
			return err
		}
		if err := s.setStatus(ctx, q, m, StatusRemoved); err != nil {
			return err
		}
		return account.Audit(ctx, q, s.now(), by, "team.remove", t.Slug, who(ctx, q, m)+" ("+m.Status+" "+m.Role+")")
	})
}

// MakeCaptain is a captain making an active member a captain too (a team
// may have several); audited.
func (s *Service) MakeCaptain(ctx context.Context, sc *tenant.Scope, by account.Actor, slug string, id int64) error {
	return s.asCaptain(ctx, sc, by, slug, func(q *orgdb.Queries, t orgdb.Team) error {
		m, err := target(ctx, q, t, id)
		if err != nil {
			return err
		}
		switch {
		case m.Status != StatusActive:
			return apperr.Errorf(apperr.Conflict, msgNotActive)
		case m.Role == RoleCaptain:
			return apperr.Errorf(apperr.Conflict, msgAlreadyCaptain)
		}
		now := s.now()
		if _, err := q.TeamMemberSetRole(ctx, orgdb.TeamMemberSetRoleParams{Role: RoleCaptain, UpdatedAt: now, ID: m.ID}); err != nil {
			return err
		}
		return account.Audit(ctx, q, now, by, "team.captain", t.Slug, who(ctx, q, m)+" made captain (was "+m.Role+")")
	})
}
