package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/db/platformdb"
	"sportsapp/app/event"
	"sportsapp/app/membership"
	"sportsapp/app/settings"
	"sportsapp/app/superadmin"
	"sportsapp/app/tenant"
)

// scope runs fn with the scope of org, as a request would get it.
func (e *env) scope(o tenant.Org, fn func(*tenant.Scope)) {
	e.t.Helper()
	h, err := e.pool.Acquire(context.Background(), o)
	if err != nil {
		e.t.Fatal(err)
	}
	defer h.Release()
	fn(tenant.NewScope(h))
}

// user creates an account in org with the given role and password.
func (e *env) user(o tenant.Org, email, name string, role account.Role, password string) account.User {
	e.t.Helper()
	var u account.User
	e.scope(o, func(sc *tenant.Scope) {
		var err error
		u, err = e.accounts.SignUp(context.Background(), sc, name, email, password)
		if err != nil {
			e.t.Fatal(err)
		}
		if role != account.RoleMember {
			if err := sc.W().UserSetRole(context.Background(), orgdb.UserSetRoleParams{Role: string(role), UpdatedAt: time.Now(), ID: u.ID}); err != nil {
				e.t.Fatal(err)
			}
			u.Role = role
		}
	})
	return u
}

// session starts a session for u in org without a password (cheap, for
// tests that need many) and returns the cookie value.
func (e *env) session(o tenant.Org, u account.User) string {
	e.t.Helper()
	var token string
	e.scope(o, func(sc *tenant.Scope) {
		var err error
		token, err = e.accounts.StartSession(context.Background(), sc, u.ID, account.Client{IP: "127.0.0.1"})
		if err != nil {
			e.t.Fatal(err)
		}
	})
	return token
}

// superAdmin creates a super-admin and returns it.
func (e *env) superAdmin(email, password string) superadmin.Admin {
	e.t.Helper()
	a, err := e.srv.super.Create(context.Background(), email, "Operator", password)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// superSession starts a platform session for a without a password.
func (e *env) superSession(a superadmin.Admin) string {
	e.t.Helper()
	token, hash, err := auth.NewToken()
	if err != nil {
		e.t.Fatal(err)
	}
	now := time.Now().UTC()
	err = platformdb.New(e.srv.super.DB.W).PlatformSessionCreate(context.Background(), platformdb.PlatformSessionCreateParams{
		TokenHash: hash, SuperAdminID: a.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

// invitation creates an invitation in org and returns its id and token.
func (e *env) invitation(o tenant.Org, email string, role account.Role) (int64, string) {
	e.t.Helper()
	var id int64
	var link string
	e.scope(o, func(sc *tenant.Scope) {
		inv, l, err := e.accounts.Invite(context.Background(), sc, account.Actor{Label: "test"}, email, "", role)
		if err != nil {
			e.t.Fatal(err)
		}
		id, link = inv.ID, l
	})
	return id, tokenOf(link)
}

// resetToken creates a password reset for u in org and returns its token.
func (e *env) resetToken(o tenant.Org, u account.User) string {
	e.t.Helper()
	token, hash, _ := auth.NewToken()
	e.scope(o, func(sc *tenant.Scope) {
		now := time.Now().UTC()
		err := sc.W().PasswordResetCreate(context.Background(), orgdb.PasswordResetCreateParams{UserID: u.ID, TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		if err != nil {
			e.t.Fatal(err)
		}
	})
	return token
}

func tokenOf(link string) string {
	for i := 0; i+6 <= len(link); i++ {
		if link[i:i+6] == "token=" {
			return link[i+6:]
		}
	}
	return ""
}

// world is two organizations with people in them and a super-admin: the
// cast of the authorization tests.
type world struct {
	*env
	a, b                       tenant.Org
	member, admin, target, bAd account.User
	super                      superadmin.Admin
}

const testPassword = "correct horse battery"

func newWorld(t testing.TB, opt envOptions) *world {
	t.Helper()
	e := newEnvWith(t, opt)
	w := &world{env: e}
	w.a = e.org("quadball-canada", "Quadball Canada")
	w.b = e.org("quadball-alberta", "Quadball Alberta")
	w.member = e.user(w.a, "member@example.org", "Mia Member", account.RoleMember, testPassword)
	w.admin = e.user(w.a, "admin@example.org", "Ada Admin", account.RoleAdmin, testPassword)
	w.target = e.user(w.a, "target@example.org", "Tom Target", account.RoleMember, testPassword)
	w.bAd = e.user(w.b, "admin@alberta.example.org", "Bea Alberta", account.RoleAdmin, testPassword)
	w.super = e.superAdmin("ops@example.org", "operator password 1")
	return w
}

// settingsForm returns the current settings of org A as a form to post,
// with the current version.
func (w *world) settingsForm() url.Values {
	var form url.Values
	w.scope(w.a, func(sc *tenant.Scope) {
		st, err := w.srv.settings.Get(context.Background(), sc)
		if err != nil {
			w.t.Fatal(err)
		}
		form = url.Values{"version": {strconv.FormatInt(st.Version, 10)}}
		for k, v := range st.Form() {
			form.Set(k, v)
		}
	})
	return form
}

// membershipType creates a membership type in org (archived if asked) and
// returns its id.
func (w *world) membershipType(o tenant.Org, name string, archived bool) int64 {
	var id int64
	w.scope(o, func(sc *tenant.Scope) {
		ctx := context.Background()
		t, err := w.srv.settings.CreateType(ctx, sc, account.Actor{Label: "test"}, settings.TypeForm{Name: name, Price: "10", Active: true})
		if err == nil && archived {
			_, err = w.srv.settings.ArchiveType(ctx, sc, account.Actor{Label: "test"}, t.ID)
		}
		if err != nil {
			w.t.Fatal(err)
		}
		id = t.ID
	})
	return id
}

// settingsVersion returns org A's settings version as stored.
func (w *world) settingsVersion() int64 {
	var v int64
	w.scope(w.a, func(sc *tenant.Scope) {
		st, err := (&settings.Service{}).Get(context.Background(), sc)
		if err != nil {
			w.t.Fatal(err)
		}
		v = st.Version
	})
	return v
}

// profileForm is a complete member profile as a form.
func profileForm() url.Values {
	return url.Values{
		"date_of_birth": {"1995-04-12"}, "pronouns": {"she/her"}, "phone": {"+1 416 555 0100"},
		"emergency_name": {"Pat Parent"}, "emergency_relationship": {"parent"}, "emergency_phone": {"416-555-0199"},
	}
}

// openRegistration saves settings for org A with registration open for a
// season around today, and makes sure a membership type exists.
func (w *world) openRegistration() int64 {
	w.t.Helper()
	var id int64
	w.scope(w.a, func(sc *tenant.Scope) {
		types, _ := settings.ActiveTypes(context.Background(), sc)
		for _, t := range types {
			if t.Name == "Adult player" {
				id = t.ID
			}
		}
	})
	if id == 0 {
		id = w.membershipType(w.a, "Adult player", false)
	}
	form := w.settingsForm()
	now := time.Now()
	form.Set("season_start", now.AddDate(0, -1, 0).Format("2006-01-02"))
	form.Set("season_end", now.AddDate(0, 6, 0).Format("2006-01-02"))
	form.Set("registration_open", "on")
	w.scope(w.a, func(sc *tenant.Scope) {
		st, errs := settings.Parse(formOfValues(form))
		if errs != nil {
			w.t.Fatalf("%v", map[string]string(errs))
		}
		base, _ := strconv.ParseInt(form.Get("version"), 10, 64)
		if _, err := w.srv.settings.Save(context.Background(), sc, account.Actor{Label: "test"}, base, st); err != nil {
			w.t.Fatal(err)
		}
	})
	return id
}

func formOfValues(v url.Values) settings.Form {
	f := settings.Form{}
	for k := range v {
		f[k] = v.Get(k)
	}
	return f
}

// pendingPayment makes a new member of org A buy a membership and returns
// the pending payment's id.
func (w *world) pendingPayment(n int) int64 {
	w.t.Helper()
	typeID := w.openRegistration()
	u := w.user(w.a, fmt.Sprintf("buyer-%d@example.org", n), "Buyer", account.RoleMember, testPassword)
	var id int64
	w.scope(w.a, func(sc *tenant.Scope) {
		ctx := context.Background()
		p := membership.Profile{DateOfBirth: "1990-01-01", Phone: "4165550100", EmergencyName: "E", EmergencyRelationship: "friend", EmergencyPhone: "4165550101"}
		if _, err := membership.SaveProfile(ctx, sc, u.ID, p, time.Now()); err != nil {
			w.t.Fatal(err)
		}
		if _, err := w.srv.memberships.Buy(ctx, sc, u, typeID, true); err != nil {
			w.t.Fatal(err)
		}
		pending, err := membership.PendingPayments(ctx, sc)
		if err != nil || len(pending) == 0 {
			w.t.Fatalf("no pending payment: %v", err)
		}
		id = pending[len(pending)-1].PaymentID
	})
	return id
}

func settingsTypeForm(name, price string) settings.TypeForm {
	return settings.TypeForm{Name: name, Price: price, Active: true}
}

// eventForm is a valid event whose registration is open today.
func eventForm(name string) url.Values {
	today := time.Now()
	return url.Values{
		"name": {name}, "kind": {"tournament"}, "venue": {"Varsity Arena"},
		"starts_on": {today.AddDate(0, 1, 0).Format("2006-01-02")}, "ends_on": {today.AddDate(0, 1, 1).Format("2006-01-02")},
		"opens_on": {today.AddDate(0, 0, -1).Format("2006-01-02")}, "closes_on": {today.AddDate(0, 0, 20).Format("2006-01-02")},
		"capacity": {"10"}, "individual_fee": {"25.00"}, "team_fee": {"300.00"},
	}
}

// activeMember creates a member of org A with an active membership.
func (w *world) activeMember(email string) account.User {
	w.t.Helper()
	typeID := w.openRegistration()
	u := w.user(w.a, email, "Active "+email, account.RoleMember, testPassword)
	w.scope(w.a, func(sc *tenant.Scope) {
		ctx := context.Background()
		p := membership.Profile{DateOfBirth: "1990-01-01", Phone: "4165550100", EmergencyName: "E", EmergencyRelationship: "friend", EmergencyPhone: "4165550101"}
		if _, err := membership.SaveProfile(ctx, sc, u.ID, p, time.Now()); err != nil {
			w.t.Fatal(err)
		}
		if _, err := w.srv.memberships.Buy(ctx, sc, u, typeID, true); err != nil {
			w.t.Fatal(err)
		}
		pending, _ := membership.PendingPayments(ctx, sc)
		for _, p := range pending {
			if p.Email == u.Email {
				if err := w.srv.memberships.Confirm(ctx, sc, account.Actor{Label: "test"}, p.PaymentID, "10.00"); err != nil {
					w.t.Fatal(err)
				}
			}
		}
	})
	return u
}

// newEvent creates an event in org A from eventForm, with capacity.
func (w *world) newEvent(name string, capacity int) event.Event {
	w.t.Helper()
	f := eventForm(name)
	var e event.Event
	w.scope(w.a, func(sc *tenant.Scope) {
		var err error
		e, err = w.srv.events.Create(context.Background(), sc, account.Actor{Label: "test"}, event.Form{
			Name: f.Get("name"), Kind: f.Get("kind"), Venue: f.Get("venue"), StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"),
			OpensOn: f.Get("opens_on"), ClosesOn: f.Get("closes_on"), Capacity: strconv.Itoa(capacity), IndividualFee: "25", TeamFee: "300"})
		if err != nil {
			w.t.Fatal(err)
		}
	})
	return e
}

// eventWithRegistration makes an event with one pending registration.
func (w *world) eventWithRegistration(n int) (int64, int64) {
	w.t.Helper()
	e := w.newEvent(fmt.Sprintf("Event %d", n), 50)
	u := w.activeMember(fmt.Sprintf("player-%d@example.org", n))
	var regID int64
	w.scope(w.a, func(sc *tenant.Scope) {
		r, err := w.srv.events.Register(context.Background(), sc, u, e.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		regID = r.ID
	})
	return e.ID, regID
}
