// Package demo fills an organization with realistic fake data (members,
// profiles, two seasons of memberships and payments, events and
// registrations) so the screens can be tried. It is for development and
// demonstrations only: the command refuses a production-like setup.
package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/settings"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// Password is the password of every demo member (they share one hash, so
// seeding hundreds of members takes a second, not minutes).
const Password = "demo password 2026"

var (
	first = []string{"Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley", "Casey", "Jamie", "Avery", "Quinn", "Charlie", "Drew", "Emerson", "Finley", "Harper", "Hayden", "Kai", "Logan", "Parker", "Reese", "Rowan", "Sasha", "Skyler", "Toni", "Wren", "Noor", "Amara", "Mateo", "Lucía", "Élise", "Mei", "Arjun"}
	last  = []string{"Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné", "Smith", "Brown", "Wilson", "MacDonald", "Taylor", "Campbell", "Anderson", "Leblanc", "Singh", "Nguyen", "Chen", "Wong", "Patel", "Martin", "Thompson", "White"}
	venue = []string{"Varsity Arena, Toronto", "Percy Page Centre, Edmonton", "Parc Jarry, Montréal", "Kitsilano Beach Park, Vancouver", "Assiniboine Park, Winnipeg", "Commons, Halifax"}
	kinds = []string{"tournament", "league", "camp", "clinic", "social"}
)

// season is one season a demo member holds a membership for.
type season struct {
	name        string
	start, end  time.Time
	status      string
	paymentDone bool
}

// Figures says what Seed created.
type Figures struct {
	Members, Memberships, Payments, Teams, Events, Registrations int
}

var (
	teamCities  = []string{"Toronto", "Ottawa", "Montréal", "Québec", "Calgary", "Edmonton", "Vancouver", "Victoria", "Winnipeg", "Halifax", "Waterloo", "Kingston"}
	teamMascots = []string{"Raccoons", "Loons", "Beavers", "Moose", "Otters", "Owls", "Lynx", "Narwhals", "Orcas", "Falcons", "Bison", "Foxes"}
	teamProv    = []string{"ON", "ON", "QC", "QC", "AB", "AB", "BC", "BC", "MB", "NS", "ON", "ON"}
)

// Seed adds members fake members to the organization, with profiles, a
// previous season and the current one, teams, and events with
// registrations, as of now. It is deterministic for a given seed value.
func Seed(ctx context.Context, sc *tenant.Scope, st *settings.Service, members int, seed uint64) (Figures, error) {
	return SeedAt(ctx, sc, st, members, seed, time.Now())
}

// SeedAt is Seed as of the instant now. Nothing it creates happens after
// now (a purchase, a payment's confirmation, a registration), and each
// event is named for the season it takes place in.
func SeedAt(ctx context.Context, sc *tenant.Scope, st *settings.Service, members int, seed uint64, now time.Time) (Figures, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	cur, err := st.Get(ctx, sc)
	if err != nil {
		return Figures{}, err
	}
	types, err := settings.ActiveTypes(ctx, sc)
	if err != nil {
		return Figures{}, err
	}
	if len(types) == 0 {
		return Figures{}, fmt.Errorf("the organization has no active membership type: add one in the settings first")
	}
	hash, err := auth.HashPassword(ctx, Password)
	if err != nil {
		return Figures{}, err
	}
	now = now.UTC()
	prevStart, prevEnd := cur.SeasonStart.AddDate(-1, 0, 0), cur.SeasonStart.AddDate(0, 0, -1)
	prevName := fmt.Sprintf("%d-%d season", prevStart.Year(), prevEnd.Year())
	var f Figures
	err = sc.Tx(ctx, func(q *orgdb.Queries) error {
		var userIDs []int64
		for i := range members {
			fn, ln := first[r.IntN(len(first))], last[r.IntN(len(last))]
			email := fmt.Sprintf("%s.%s.%d@%s.demo.example.org", slug(fn), slug(ln), i, sc.Org.Slug)
			created := now.AddDate(0, 0, -r.IntN(700))
			u, err := q.UserCreate(ctx, orgdb.UserCreateParams{Email: email, Name: fn + " " + ln, PasswordHash: hash, Role: "member", CreatedAt: created, UpdatedAt: created})
			if err != nil {
				return err
			}
			userIDs = append(userIDs, u.ID)
			err = q.MemberProfileSave(ctx, orgdb.MemberProfileSaveParams{
				UserID: u.ID, DateOfBirth: fmt.Sprintf("%d-%02d-%02d", 1970+r.IntN(38), 1+r.IntN(12), 1+r.IntN(28)),
				Pronouns: []string{"", "she/her", "he/him", "they/them"}[r.IntN(4)], Phone: fmt.Sprintf("+1 416 555 %04d", r.IntN(10000)),
				EmergencyName: first[r.IntN(len(first))] + " " + ln, EmergencyRelationship: []string{"parent", "partner", "friend", "sibling"}[r.IntN(4)],
				EmergencyPhone: fmt.Sprintf("+1 647 555 %04d", r.IntN(10000)), ShowEmail: r.IntN(2) == 0, ShowPhone: r.IntN(3) == 0, UpdatedAt: created,
			})
			if err != nil {
				return err
			}
			f.Members++
			// Two seasons: most were members last season; most renewed.
			var seasons []season
			if r.IntN(10) < 7 {
				seasons = append(seasons, season{prevName, prevStart, prevEnd, "active", true})
			}
			if r.IntN(10) < 8 {
				status, done := "active", true
				if r.IntN(6) == 0 {
					status, done = "pending", false
				}
				seasons = append(seasons, season{cur.SeasonName, cur.SeasonStart, cur.SeasonEnd, status, done})
			}
			for _, s := range seasons {
				if s.start.After(now) {
					continue // a season not begun: nobody has bought it yet
				}
				t := types[r.IntN(len(types))]
				bought := s.start.Add(time.Duration(r.IntN(60*24)) * time.Hour)
				if bought.After(now) {
					bought = now.Add(-time.Duration(1+r.IntN(72)) * time.Hour)
				}
				m, err := q.MembershipCreate(ctx, orgdb.MembershipCreateParams{
					UserID: u.ID, MembershipTypeID: t.ID, TypeName: t.Name, SeasonName: s.name,
					StartDate: s.start.Format(settings.DateLayout), EndDate: s.end.Format(settings.DateLayout),
					PriceCents: t.PriceCents, Currency: cur.Currency, WaiverAcceptedAt: bought, CreatedAt: bought,
				})
				if err != nil {
					return err
				}
				pay, err := q.PaymentCreate(ctx, orgdb.PaymentCreateParams{MembershipID: m.ID, AmountCents: t.PriceCents, Currency: cur.Currency,
					Method: "etransfer", Reference: fmt.Sprintf("M%d-DEMO", m.ID), CreatedAt: bought})
				if err != nil {
					return err
				}
				f.Memberships++
				f.Payments++
				if s.paymentDone && !bought.Add(48*time.Hour).After(now) {
					decided := sql.NullTime{Time: bought.Add(48 * time.Hour), Valid: true}
					if _, err := q.PaymentDecide(ctx, orgdb.PaymentDecideParams{NewStatus: "confirmed", ReceivedCents: sql.NullInt64{Int64: t.PriceCents, Valid: true},
						DecidedAt: decided, DecidedBy: "demo", ID: pay.ID}); err != nil {
						return err
					}
					if _, err := q.MembershipSetStatus(ctx, orgdb.MembershipSetStatusParams{NewStatus: "active", ActivatedAt: decided, ID: m.ID}); err != nil {
						return err
					}
				}
			}
		}
		// Teams: a captain with this season's membership and a roster.
		perm := r.Perm(len(userIDs))
		next := 0
		for i := range min(12, len(userIDs)/10) {
			name := teamCities[i] + " " + teamMascots[i]
			captain := userIDs[perm[next]]
			next++
			created := now.AddDate(0, 0, -r.IntN(200))
			t, err := q.TeamCreate(ctx, orgdb.TeamCreateParams{Slug: team.Slugify(name), Name: name, NameKey: team.NameKey(name), City: teamCities[i],
				Province: teamProv[i], Colours: []string{"red and black", "blue and white", "green and gold", "purple"}[r.IntN(4)],
				CreatedBy: sql.NullInt64{Int64: captain, Valid: true}, CreatedAt: created, UpdatedAt: created})
			if err != nil {
				return err
			}
			if _, err := q.TeamMemberCreate(ctx, orgdb.TeamMemberCreateParams{TeamID: t.ID, UserID: sql.NullInt64{Int64: captain, Valid: true},
				Role: team.RoleCaptain, Status: team.StatusActive, CreatedAt: created, UpdatedAt: created}); err != nil {
				return err
			}
			for range 5 + r.IntN(8) {
				if next >= len(perm) {
					break
				}
				status := team.StatusActive
				if r.IntN(8) == 0 {
					status = team.StatusInvited
				}
				if _, err := q.TeamMemberCreate(ctx, orgdb.TeamMemberCreateParams{TeamID: t.ID, UserID: sql.NullInt64{Int64: userIDs[perm[next]], Valid: true},
					Role: "player", Status: status, InvitedBy: sql.NullInt64{Int64: captain, Valid: true}, CreatedAt: created, UpdatedAt: created}); err != nil {
					return err
				}
				next++
			}
			f.Teams++
		}
		// Events: some past, some open now, some later.
		for i := range 8 {
			startOffset := -120 + i*35
			start := now.AddDate(0, 0, startOffset)
			e, err := q.EventCreate(ctx, orgdb.EventCreateParams{
				Name: fmt.Sprintf("%s %s", SeasonOf(start.Month()), []string{"Cup", "League Night", "Camp", "Clinic", "Social", "Open", "Classic", "Invitational"}[i]),
				Kind: kinds[i%len(kinds)], StartsOn: start.Format(settings.DateLayout), EndsOn: start.AddDate(0, 0, 1+r.IntN(2)).Format(settings.DateLayout),
				Venue: venue[r.IntN(len(venue))], RegistrationOpensAt: start.AddDate(0, 0, -45), RegistrationClosesAt: start.AddDate(0, 0, -3),
				Capacity: int64(40 + r.IntN(120)), TeamFeeCents: int64(20000 + 1000*r.IntN(20)), IndividualFeeCents: int64(1500 + 500*r.IntN(10)),
				Currency: cur.Currency, CreatedAt: start.AddDate(0, 0, -60), UpdatedAt: start.AddDate(0, 0, -60),
			})
			if err != nil {
				return err
			}
			f.Events++
			n := min(int(e.Capacity)*2/3, len(userIDs))
			for _, k := range r.Perm(len(userIDs))[:n] {
				created := e.RegistrationOpensAt.Add(time.Duration(r.IntN(40*24)) * time.Hour)
				if created.After(now) || !created.Before(e.RegistrationClosesAt) {
					continue // not registered yet
				}
				reg, err := q.EventRegistrationCreate(ctx, orgdb.EventRegistrationCreateParams{EventID: e.ID, UserID: userIDs[k], Kind: "individual",
					FeeCents: e.IndividualFeeCents, Currency: e.Currency, Reference: fmt.Sprintf("E%d-D%d", e.ID, k), CreatedAt: created})
				if err != nil {
					return err
				}
				if r.IntN(4) != 0 && !created.Add(24*time.Hour).After(now) {
					if _, err := q.EventRegistrationConfirm(ctx, orgdb.EventRegistrationConfirmParams{DecidedAt: sql.NullTime{Time: created.Add(24 * time.Hour), Valid: true}, DecidedBy: "demo", ID: reg.ID, EventID: e.ID}); err != nil {
						return err
					}
				}
				f.Registrations++
			}
		}
		return nil
	})
	return f, err
}

// SeasonOf names the (northern) season a month falls in, for event names
// that agree with their dates: no "Fall Cup" in August.
func SeasonOf(m time.Month) string {
	switch m {
	case time.December, time.January, time.February:
		return "Winter"
	case time.March, time.April, time.May:
		return "Spring"
	case time.June, time.July, time.August:
		return "Summer"
	}
	return "Fall"
}

// slug lower-cases a name for an email address.
func slug(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, s)
}
