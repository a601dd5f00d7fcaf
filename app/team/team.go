// Package team lets an organization's members organize themselves into
// teams: a member with an active membership creates a team and captains
// it, captains invite people by email (whether or not they have an account
// yet), invitees accept or decline, captains manage the roster, and admins
// correct any team's details.
//
// Roster rules live here, not in handlers: who may act (captains), who sees
// a teammate's email and phone (teammates, when the teammate allows it),
// and that a team always keeps a captain. Every check and change runs in
// one transaction on the organization's single writer, so two captains
// acting at once cannot leave a team without one.
package team

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"sportsapp/app/account"
	"sportsapp/app/apperr"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/membership"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// Messages, in one place.
const (
	msgName           = "Enter a team name of 1 to 100 characters."
	msgNameTaken      = "Another team already has this name."
	msgCity           = "Enter the team's city (up to 100 characters)."
	msgProvince       = "Choose a province or territory."
	msgColours        = "Colours can have at most 50 characters."
	msgEmail          = "Enter a valid email address, like name@example.org."
	msgRole           = "Choose a role: player or coach."
	msgNoMembership   = "You need an active membership to create a team."
	msgNoTeam         = "No such team."
	msgNoMember       = "No such member on this team."
	msgNotCaptain     = "Only the team's captains can do this."
	msgAlreadyOnTeam  = "This person is already on the team or invited to it."
	msgNoInvitation   = "You have no pending invitation to this team."
	msgNotOnTeam      = "You are not on this team."
	msgLastCaptain    = "A team needs a captain: make another member captain first."
	msgNotActive      = "Only members who accepted their invitation can be made captain."
	msgAlreadyCaptain = "This member is already a captain."
)

// Roles on a team.
const (
	RoleCaptain = "captain"
	RoleCoach   = "coach"
	RolePlayer  = "player"
)

// Statuses of a place on a team.
const (
	StatusInvited  = "invited"
	StatusActive   = "active"
	StatusDeclined = "declined"
	StatusRemoved  = "removed"
)

// Province is a Canadian province or territory.
type Province struct{ Code, Name string }

// Provinces are the choices for a team's province, as the schema allows them.
var Provinces = []Province{
	{"AB", "Alberta"}, {"BC", "British Columbia"}, {"MB", "Manitoba"}, {"NB", "New Brunswick"},
	{"NL", "Newfoundland and Labrador"}, {"NS", "Nova Scotia"}, {"NT", "Northwest Territories"},
	{"NU", "Nunavut"}, {"ON", "Ontario"}, {"PE", "Prince Edward Island"}, {"QC", "Quebec"},
	{"SK", "Saskatchewan"}, {"YT", "Yukon"},
}

// ProvinceName returns the name of a province code ("" if unknown).
func ProvinceName(code string) string {
	for _, p := range Provinces {
		if p.Code == code {
			return p.Name
		}
	}
	return ""
}

// Service changes teams. Accounts invites people who have no account yet.
type Service struct {
	Accounts *account.Service
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Team is a team's details.
type Team struct {
	ID                   int64
	Slug, Name           string
	City, Province       string
	Colours              string
	CreatedAt, UpdatedAt time.Time
}

// ProvinceName is the team's province spelled out.
func (t Team) ProvinceName() string { return ProvinceName(t.Province) }

// Form is the team's details as a form.
func (t Team) Form() Form {
	return Form{Name: t.Name, City: t.City, Province: t.Province, Colours: t.Colours}
}

func teamFrom(r orgdb.Team) Team {
	return Team{ID: r.ID, Slug: r.Slug, Name: r.Name, City: r.City, Province: r.Province, Colours: r.Colours,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// Form is what a member or an admin types about a team.
type Form struct{ Name, City, Province, Colours string }

// Parse validates a team form: the returned form is trimmed, with the
// name's inner spaces collapsed.
func Parse(f Form) (Form, apperr.Fields) {
	errs := apperr.Fields{}
	f.Name = strings.Join(strings.Fields(f.Name), " ")
	f.City = strings.Join(strings.Fields(f.City), " ")
	f.Province = strings.ToUpper(strings.TrimSpace(f.Province))
	f.Colours = strings.TrimSpace(f.Colours)
	if n := utf8.RuneCountInString(f.Name); n < 1 || n > 100 {
		errs["name"] = msgName
	}
	if n := utf8.RuneCountInString(f.City); n < 1 || n > 100 {
		errs["city"] = msgCity
	}
	if ProvinceName(f.Province) == "" {
		errs["province"] = msgProvince
	}
	if utf8.RuneCountInString(f.Colours) > 50 {
		errs["colours"] = msgColours
	}
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// nameKey is what makes two names the same team: case and Unicode form
// do not count (SQLite's NOCASE folds ASCII only, hence a stored key).
func nameKey(name string) string { return strings.ToLower(norm.NFC.String(name)) }

// NameKey is nameKey for code that writes teams directly (demo data).
func NameKey(name string) string { return nameKey(name) }

// Slugify derives a URL slug from a name: accents dropped, lower-case
// ASCII letters and digits, single hyphens, at most 60 characters; "team"
// if nothing is left.
func Slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent: "é" is "e" + U+0301
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
	}
	s := b.String()
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	if s == "" {
		return "team"
	}
	return s
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CanCreate reports whether userID holds an active membership that has not
// ended: status 'active' alone would let last season's members create
// teams forever, since memberships are never expired in place.
func (s *Service) CanCreate(ctx context.Context, sc *tenant.Scope, userID int64) (bool, error) {
	return membership.HasActive(ctx, sc, userID, s.now().Format(settings.DateLayout))
}

// Create makes a team with u as its captain. The slug is derived from the
// name, with a -2, -3... suffix when another team's name gave the same one.
func (s *Service) Create(ctx context.Context, sc *tenant.Scope, by account.Actor, f Form) (Team, error) {
	f, errs := Parse(f)
	if errs != nil {
		return Team{}, errs.Err()
	}
	ok, err := s.CanCreate(ctx, sc, by.UserID)
	if err != nil {
		return Team{}, err
	}
	if !ok {
		return Team{}, apperr.Errorf(apperr.Invalid, msgNoMembership)
	}
	var t Team
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		now := s.now()
		slug, err := freeSlug(ctx, q, Slugify(f.Name))
		if err != nil {
			return err
		}
		r, err := q.TeamCreate(ctx, orgdb.TeamCreateParams{
			Slug: slug, Name: f.Name, NameKey: nameKey(f.Name), City: f.City, Province: f.Province, Colours: f.Colours,
			CreatedBy: sql.NullInt64{Int64: by.UserID, Valid: true}, CreatedAt: now, UpdatedAt: now,
		})
		if isUnique(err) {
			return apperr.Fields{"name": msgNameTaken}.Err()
		}
		if err != nil {
			return err
		}
		t = teamFrom(r)
		if _, err := q.TeamMemberCreate(ctx, orgdb.TeamMemberCreateParams{
			TeamID: r.ID, UserID: sql.NullInt64{Int64: by.UserID, Valid: true}, Role: RoleCaptain, Status: StatusActive,
			CreatedAt: now, UpdatedAt: now,
		}); err != nil {
			return err
		}
		return account.Audit(ctx, q, now, by, "team.create", slug, f.Name)
	})
	return t, err
}

func freeSlug(ctx context.Context, q *orgdb.Queries, base string) (string, error) {
	slug := base
	for n := 2; ; n++ {
		taken, err := q.TeamSlugCount(ctx, slug)
		if err != nil || taken == 0 {
			return slug, err
		}
		slug = fmt.Sprintf("%s-%d", base, n)
	}
}

// bySlug returns the team with slug.
func bySlug(ctx context.Context, q *orgdb.Queries, slug string) (orgdb.Team, error) {
	r, err := q.TeamBySlug(ctx, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.Errorf(apperr.NotFound, msgNoTeam)
	}
	return r, err
}

// Summary is a team in the admins' list.
type Summary struct {
	Team
	Members  int64
	Captains string
}

// List returns every team by name, for the admins.
func List(ctx context.Context, sc *tenant.Scope) ([]Summary, error) {
	rows, err := sc.Q().TeamList(ctx, 1000)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(rows))
	for i, r := range rows {
		out[i] = Summary{Team: Team{ID: r.ID, Slug: r.Slug, Name: r.Name, City: r.City, Province: r.Province, Colours: r.Colours, CreatedAt: r.CreatedAt},
			Members: r.Members, Captains: r.Captains}
	}
	return out, nil
}

// SummaryOf returns one team of the admins' list.
func SummaryOf(ctx context.Context, sc *tenant.Scope, slug string) (Summary, error) {
	r, err := sc.Q().TeamSummary(ctx, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return Summary{}, apperr.Errorf(apperr.NotFound, msgNoTeam)
	}
	if err != nil {
		return Summary{}, err
	}
	return Summary{Team: Team{ID: r.ID, Slug: r.Slug, Name: r.Name, City: r.City, Province: r.Province, Colours: r.Colours, CreatedAt: r.CreatedAt},
		Members: r.Members, Captains: r.Captains}, nil
}

// Update is an admin's correction of a team's details; it is audited with
// what changed. The slug stays, so links to the team keep working.
func (s *Service) Update(ctx context.Context, sc *tenant.Scope, by account.Actor, slug string, f Form) (Team, error) {
	f, errs := Parse(f)
	if errs != nil {
		return Team{}, errs.Err()
	}
	var t Team
	err := sc.Tx(ctx, func(q *orgdb.Queries) error {
		old, err := bySlug(ctx, q, slug)
		if err != nil {
			return err
		}
		now := s.now()
		r, err := q.TeamUpdate(ctx, orgdb.TeamUpdateParams{
			Name: f.Name, NameKey: nameKey(f.Name), City: f.City, Province: f.Province, Colours: f.Colours, UpdatedAt: now, ID: old.ID,
		})
		if isUnique(err) {
			return apperr.Fields{"name": msgNameTaken}.Err()
		}
		if err != nil {
			return err
		}
		t = teamFrom(r)
		var changes []string
		for _, c := range [][3]string{{"name", old.Name, r.Name}, {"city", old.City, r.City}, {"province", old.Province, r.Province}, {"colours", old.Colours, r.Colours}} {
			if c[1] != c[2] {
				changes = append(changes, fmt.Sprintf("%s: %q -> %q", c[0], c[1], c[2]))
			}
		}
		if len(changes) == 0 {
			return nil
		}
		return account.Audit(ctx, q, now, by, "team.update", slug, strings.Join(changes, "; "))
	})
	return t, err
}
