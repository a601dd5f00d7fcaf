package web

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/event"
	"sportsapp/app/membership"
	"sportsapp/app/offboard"
	"sportsapp/app/onboarding"
	"sportsapp/app/settings"
	"sportsapp/app/superadmin"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
	"sportsapp/views"
)

// viewSamples holds one sample of every view's data, keyed by template name.
// A template without a sample fails TestEveryViewRenders, so a new view
// cannot ship untested.
var viewSamples = map[string]any{
	"home/platform": platformHomeView{page: page{Title: "Platform"}, BaseDomain: "localhost"},
	"errors/error":  errorView{page: page{Title: "Page not found"}, Status: 404, Heading: "Page not found", Message: "Nothing here.", HomeURL: "/"},
	"errors/_error": errorView{Status: 409, Heading: "Changed by someone else", Message: "Reload."},

	"auth/login":             loginView{page: orgPage, Email: "a@b.org", Next: "/admin", Error: "The email or password is incorrect."},
	"auth/signup":            signupView{page: orgPage, Name: "A", Email: "a@b.org", Errors: map[string]string{"password": "Too short."}},
	"auth/forgot":            forgotView{page: orgPage, Email: "a@b.org", Sent: true},
	"auth/reset":             resetView{page: orgPage, Token: "t", Errors: map[string]string{"password": "Too short."}},
	"auth/invite":            inviteView{page: orgPage, Token: "t", Email: "a@b.org", Role: "admin", Name: "A"},
	"profile/edit":           profileView{page: signedIn, Name: "Mia", Errors: map[string]string{"current_password": "Wrong."}},
	"admin/members":          membersView{page: signedIn, List: sampleList},
	"admin/member":           sampleMemberDetail,
	"admin/payments_history": samplePaymentsHistory,
	"admin/_members":         sampleList,
	"admin/_member_row":      sampleList.Rows[0],
	"admin/invitations":      sampleInvitations,
	"admin/_invitations":     sampleInvitations,
	"console/index":          consoleView{page: superPage, List: sampleConsoleList},
	"console/_orgs":          sampleConsoleList,
	"console/org":            sampleConsoleOrg,
	"console/_offboarding": consoleOrgView{page: superPage, Org: tenant.Org{ID: "id", Slug: "quadball-alberta", Name: "Quadball Alberta", Status: tenant.StatusSuspended},
		Deletion: &offboard.Deletion{OrgDeletion: platformdb.OrgDeletion{State: "scheduled", DeleteAfter: time.Now(), RequestedAt: time.Now(), RequestedBy: "ops"}}},
	"offboarding/admin_export":   adminExportView{page: signedIn, Files: offboard.Tables()},
	"offboarding/profile_delete": profileDeleteView{page: signedIn, Errors: map[string]string{"password": "Your password is incorrect."}},
	"console/new":                wizardPage{page: superPage, Wizard: sampleWizard},
	"console/_wizard":            sampleWizard,
	"console/_slug":              slugView{Value: "quadball-alberta", OK: true, Host: "http://quadball-alberta.localhost", BaseDomain: "localhost"},
	"console/_created":           sampleCreated,
	"teams/index":                teamsView{page: signedIn, Teams: []team.Place{{Team: teamSampleTeam, Role: "captain", Status: "active"}}, Invitations: []team.Place{{Team: teamSampleTeam, Role: "player", Status: "invited"}}, Create: teamSampleCreate},
	"teams/_create":              teamSampleCreate,
	"teams/show":                 teamPageView{page: signedIn, Roster: teamSampleInvited},
	"teams/_roster":              teamSampleRoster,
	"teams/admin":                adminTeamsView{page: signedIn, Rows: []adminTeamRow{teamSampleRow}},
	"teams/_admin_row":           teamSampleRow,
	"teams/_admin_edit":          teamSampleEdit,
	"teams/admin_edit":           adminTeamEditPage{page: signedIn, Edit: teamSampleEdit},
	"events/index":               eventsView{page: signedIn, Cards: []eventCard{sampleCard}, Registrations: []event.Registration{{EventName: "Cup", StartsOn: "2027-01-01", Status: "pending", FeeCents: 2500, Currency: "CAD", Reference: "E1-ABCD"}}},
	"events/_card":               sampleCard,
	"events/show":                eventView{page: signedIn, Card: sampleCard, Loc: time.UTC, Mine: []event.Registration{{EventName: "Cup", StartsOn: "2027-01-01", Status: "pending", FeeCents: 2500, Currency: "CAD", Reference: "E1-ABCD"}}, Email: "info@example.org"},
	"events/edit":                eventEditView{page: signedIn, Event: sampleEvent, Form: event.Form{Name: "Cup", Kind: "tournament"}, Errors: map[string]string{"name": "Bad."}, Kinds: event.Kinds, Currency: "CAD"},
	"events/_edit_form":          eventEditView{page: signedIn, Event: sampleEvent, Form: event.Form{Name: "Cup", Kind: "tournament"}, Errors: map[string]string{"capacity": "Too small."}, Kinds: event.Kinds, Currency: "CAD"},
	"events/_admin_actions":      eventActions{Event: sampleEvent, CSRF: "tok", CanDelete: true, Error: "It has registrations."},
	"admin/events":               eventsAdminView{page: signedIn, Section: sampleEventsAdmin},
	"admin/_events":              sampleEventsAdmin,
	"admin/event":                eventAdminView{page: signedIn, Event: sampleEvent, Rows: []participantRow{sampleParticipant}},
	"admin/_participant_row":     sampleParticipant,
	"profile/details":            profileDetailsView{page: signedIn, Profile: membership.Profile{DateOfBirth: "1990-01-01"}, Errors: map[string]string{"phone": "Bad."}},
	"membership/index":           membershipView{page: signedIn, Section: sampleSection},
	"membership/_section":        sampleSection,
	"admin/payments":             paymentsView{page: signedIn, Rows: []paymentRow{samplePayment}},
	"admin/_payment_row":         paymentRow{P: samplePayment.P, Done: "Confirmed."},
	"console/_slug_status":       slugView{Error: "Taken."},
	"console/created":            createdPage{page: superPage, Created: sampleCreated},
	"console/system":             systemView{page: superPage, System: sampleSystem},
	"console/_system":            sampleSystem,
	"console/_chart":             sampleReqs,

	"settings/edit":       settingsView{page: signedIn, Form: sampleSettingsForm, Types: sampleTypes},
	"settings/_form":      sampleSettingsForm,
	"settings/_field":     sampleSettingsForm.Groups[0].Fields[0],
	"settings/_types":     sampleTypes,
	"settings/_type_row":  sampleTypes.Rows[0],
	"settings/_type_edit": sampleTypeEdit,
	"settings/type_edit":  typeEditPage{page: signedIn, Edit: sampleTypeEdit},
	"settings/history": historyView{page: signedIn, Prev: 1, Next: 3, History: settings.HistoryPage{Page: 2, Pages: 3, Total: 41,
		Entries: []settings.HistoryEntry{{Version: 7, At: time.Now(), By: "a@b.org", Changes: []settings.Change{{Field: "currency", Label: "Currency", Old: "CAD", New: "USD"}}}}}},
	"settings/version": versionView{page: signedIn, Settings: settings.Settings{Version: 3, UpdatedBy: "a@b.org", UpdatedAt: time.Now()},
		Rows: []versionRow{{Label: "Currency", Value: "CAD"}}},
}

var (
	sampleSettingsForm = settingsFormView{CSRF: "tok", Version: 7, UpdatedBy: "a@b.org", UpdatedAt: "2026-11-28 10:00 UTC", Saved: "Saved.", Invalid: 1,
		Conflict: &conflictView{Message: "Conflict.", By: "b@c.org", Version: 8, Changes: []settings.Change{{Label: "Season ends", Old: "2027-08-31", New: "2027-06-30"}}},
		Groups: []fieldGroup{{Title: "Organization", Fields: []fieldView{
			{Name: "timezone", Label: "Time zone", Kind: "text", Value: "America/Toronto", List: []string{"UTC"}, Help: "Help."},
			{Name: "registration_open", Label: "Registration", Kind: "checkbox", Value: "on"},
			{Name: "waiver_text", Label: "Waiver", Kind: "textarea", Value: "Text", Error: "Too long."},
		}}}}
	sampleType  = settings.MembershipType{ID: 1, Name: "Adult", Description: "18+", PriceCents: 5000, Active: true}
	sampleTypes = typesView{Currency: "CAD", CSRF: "tok", Message: "Added.", Errors: map[string]string{"price": "Bad."},
		Rows: []typeRowView{{Type: sampleType, Currency: "CAD", CSRF: "tok", Message: "Saved."},
			{Type: settings.MembershipType{ID: 2, Name: "Old", Archived: true}, Currency: "CAD", CSRF: "tok"}}}
	sampleTypeEdit = typeEditView{Type: sampleType, Form: sampleType.Form(), Errors: map[string]string{"name": "Taken."}, Currency: "CAD", CSRF: "tok"}
)

var (
	superPage         = page{Title: "Console", CSRF: "tok", Admin: &superadmin.Admin{Email: "ops@example.org"}}
	sampleConsoleList = consoleList{OrgPage: tenant.OrgPage{Query: "q", Page: 1, Pages: 2, Total: 51}, Next: 2,
		Rows: []consoleRow{{Name: "Quadball Canada", Slug: "quadball-canada", Status: "active", URL: "http://x/", Created: "2026-11-28", Members: 3, LastActivity: "none yet", Replication: "last copy now"}}}
	sampleChecklist  = onboarding.Checklist{Items: []onboarding.Item{{Label: "Done", Done: true}, {Label: "To do"}, {Label: "Maybe", Optional: true}}}
	sampleConsoleOrg = consoleOrgView{page: superPage, Org: tenant.Org{ID: "id", Slug: "quadball-alberta", Name: "Quadball Alberta", Status: tenant.StatusActive, CreatedAt: time.Now()},
		URL: "http://x/", Members: 1, Admins: 1, LastActivity: "now", Replication: "ok", Checklist: sampleChecklist,
		Invitations: []invitationState{{Invitation: account.Invitation{ID: 1, Email: "a@b.org", CreatedAt: time.Now()}, State: "pending"}},
		Audit:       []platformdb.PlatformAudit{{At: time.Now(), Actor: "ops", Action: "org.create"}}, Message: "Done.", Link: "http://x/invite?token=t"}
	sampleWizard = wizardView{CSRF: "tok", Step: 2, Steps: []stepView{{Title: "One", Done: true}, {Title: "Two", Current: true}},
		Values: wizardValues(nil, true), Hidden: []hiddenField{{Name: "slug", Value: "quadball-alberta"}},
		Errors: map[string]string{"currency": "Bad."}, Error: "Failed.", Slug: slugView{Value: "x", Error: "Taken."}, Host: "http://x"}
	sampleCreated = createdView{Org: tenant.Org{Name: "Quadball Alberta", Slug: "quadball-alberta"}, URL: "http://x/", Email: "a@b.org", Link: "http://x/invite?token=t"}
)

var (
	sampleSection = membershipSection{CSRF: "tok", CanBuy: true, ProfileComplete: true, Currency: "CAD", SeasonName: "2026-2027", SeasonEnd: "2027-08-31",
		Waiver: "I accept.", PayTo: "info@x.org", Message: "Reserved.", Error: "No.", Errors: map[string]string{"waiver": "Accept it."},
		Types:       []settings.MembershipType{sampleType},
		Memberships: []membership.Membership{{ID: 1, TypeName: "Adult", SeasonName: "2026-2027", Start: "2026-09-01", End: "2027-08-31", PriceCents: 5000, Currency: "CAD", Status: "pending", PaymentReference: "M1-ABCD"}}}
	samplePayment = paymentRow{CSRF: "tok", Error: "Bad amount.", P: membership.Pending{PaymentID: 1, Reference: "M1-ABCD", AmountCents: 5000, Currency: "CAD", MemberName: "Mia", Email: "m@x.org", TypeName: "Adult", SeasonName: "2026-2027", CreatedAt: time.Now()}}
)

var (
	sampleEvent = event.Event{ID: 1, Name: "Cup", Kind: "tournament", StartsOn: "2027-01-01", EndsOn: "2027-01-02", Venue: "Arena",
		OpensAt: time.Now(), ClosesAt: time.Now().Add(time.Hour), Capacity: 10, Taken: 3, IndividualFeeCents: 2500, Currency: "CAD"}
	sampleCard        = eventCard{Event: sampleEvent, CSRF: "tok", CanRegister: true, Member: true, Message: "Registered.", Error: "Full."}
	sampleEventsAdmin = eventsAdminSection{CSRF: "tok", Events: []event.Event{sampleEvent}, Form: event.Form{Kind: "camp"}, Errors: map[string]string{"name": "Bad."},
		Kinds: event.Kinds, Currency: "CAD", Message: "Created."}
	sampleParticipant = participantRow{CSRF: "tok", R: event.Registration{ID: 1, EventID: 1, MemberName: "Mia", Email: "m@x.org", Status: "pending", FeeCents: 2500, Currency: "CAD", Reference: "E1-ABCD", CreatedAt: time.Now()}}
)

// templSamples holds samples of the pages written in templ (*.templ),
// rendered by TestEveryViewRenders too: the compiler checks their types,
// the test what they do with the data (a nil pointer, say).
var templSamples = map[string]templPage{
	"home/org (member)": orgHomeView{page: signedIn, Org: tenant.Org{Name: "Quadball Canada", Slug: "quadball-canada"}, SeasonName: "2027-2028",
		Membership:    &membership.Membership{TypeName: "Adult", SeasonName: "2026-2027", Status: "pending", PriceCents: 5000, Currency: "CAD", PaymentReference: "M1-ABCD"},
		Registrations: []homeEvent{{EventName: "Cup", StartsOn: "2027-01-01", Status: "pending"}}, Upcoming: []homeEvent{{EventName: sampleEvent.Name, StartsOn: sampleEvent.StartsOn}},
		Teams: []team.Place{{Team: team.Team{Name: "Raccoons", Slug: "raccoons"}, Role: "captain", Status: "active"}}},
	"home/org (visitor)": orgHomeView{page: orgPage, Org: tenant.Org{Name: "Quadball Canada", Slug: "quadball-canada"},
		Public: &publicHome{SeasonName: "2027-2028", SeasonDates: "2027-09-01 to 2028-08-31", RegistrationOpen: true,
			Types: []settings.MembershipType{{Name: "Adult", PriceCents: 5000, Active: true}}, Currency: "CAD",
			Events:  []publicEvent{{Name: "Cup", Kind: "tournament", Dates: "1 to 2 January 2027", Venue: "Arena", Registration: "Registration opens 1 December 2026."}},
			Contact: "info@example.org"}},
	"admin/dashboard": adminDashboardView{page: signedIn, Members: 3, Admins: 1, Pending: 2, Checklist: sampleChecklist, Charts: sampleCharts,
		Audit:  []orgdb.AuditLog{{At: time.Now(), Actor: "a@b.org", Action: "user.role", Subject: "c@d.org"}},
		Recent: []recentRegistration{{MemberName: "Mia", EventName: "Cup", Status: "pending"}}},
}

// definitionFiles only {{define}} shared templates; the pages that use them
// render them.
var definitionFiles = map[string]bool{"forms/_input": true, "console/_nav": true}

var (
	orgPage  = page{Title: "T", SiteName: "Quadball Canada", IsOrg: true, CSRF: "tok"}
	sampleMe = account.User{ID: 1, Email: "a@b.org", Name: "Ada", Role: account.RoleAdmin, Status: account.StatusActive}
	signedIn = page{Title: "T", SiteName: "Quadball Canada", IsOrg: true, CSRF: "tok", User: &sampleMe, Flash: "Saved."}

	sampleList = membersListView{
		MemberPage: account.MemberPage{Query: "a", Page: 2, PageSize: 25, Total: 60, Users: []account.User{sampleMe}},
		Rows: []memberRowView{
			{User: sampleMe, CSRF: "tok", Self: true},
			{User: account.User{ID: 2, Email: "c@d.org", Name: "Cy", Role: account.RoleMember, Status: account.StatusDisabled, LastLoginAt: time.Now()}, CSRF: "tok", Error: "No."},
		},
		Prev: 1, Next: 3,
	}
	sampleInvitations = invitationsView{page: signedIn, Email: "x", Role: "member", Errors: map[string]string{"email": "Bad."},
		Sent: "Sent.", Link: "http://x/invite?token=t",
		Invitations: []invitationRow{{Invitation: account.Invitation{ID: 1, Email: "e@f.org", Role: account.RoleMember, CreatedAt: time.Now()}, State: "pending"}}}
)

func TestEveryViewRenders(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	err := fs.WalkDir(views.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		name := strings.TrimSuffix(path, ".html")
		if definitionFiles[name] {
			return nil
		}
		sample, ok := viewSamples[name]
		if !ok {
			t.Errorf("view %s has no sample in viewSamples", name)
			return nil
		}
		var buf bytes.Buffer
		rerr := e.srv.renderHTML(&buf, name, sample)
		if rerr != nil {
			t.Errorf("render %s: %v", name, rerr)
		} else if buf.Len() == 0 {
			t.Errorf("render %s: empty", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEveryTemplPageRenders(t *testing.T) {
	e := newEnv(t, tenant.PoolOptions{})
	for name, sample := range templSamples {
		var buf bytes.Buffer
		if err := e.srv.renderHTML(&buf, name, sample); err != nil {
			t.Errorf("render %s: %v", name, err)
		} else if !strings.Contains(buf.String(), "</main>") {
			t.Errorf("render %s: no page shell:\n%s", name, buf.String())
		}
	}
}

func TestIsPartial(t *testing.T) {
	for name, want := range map[string]bool{"errors/_error": true, "errors/error": false, "_x": true, "a/b/_c": true, "a/_b/c": false} {
		if got := isPartial(name); got != want {
			t.Errorf("isPartial(%q) = %v", name, got)
		}
	}
}
