package web

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sportsapp/app/account"
	"sportsapp/app/db/orgdb"
	"sportsapp/app/demo"
	"sportsapp/app/membership"
	"sportsapp/app/settings"
	"sportsapp/app/tenant"
)

// Samples for TestEveryViewRenders.
var (
	sampleMemberDetail = memberDetailView{page: signedIn, Member: sampleList.Rows[0].User, SeasonName: "2026-2027",
		Season:  seasonStatus{Status: "active", TypeName: "Adult"},
		Profile: membership.Profile{DateOfBirth: "1990-01-01", Phone: "+1 416 555 0100", EmergencyName: "Pat", EmergencyRelationship: "parent", EmergencyPhone: "416 555 0199", Complete: true, ShowEmail: true},
		Memberships: []memberPayment{{MemberPaymentsRow: orgdb.MemberPaymentsRow{TypeName: "Adult", SeasonName: "2026-2027", Status: "active", Reference: "M1-ABCD",
			PaymentStatus: "confirmed", AmountCents: 5000, Currency: "CAD", ReceivedCents: sql.NullInt64{Int64: 4500, Valid: true}, DifferenceAcknowledged: true, DecidedBy: "a@b.org"}, Decided: "2026-09-01 10:00"}},
		Registrations: []memberRegistration{{orgdb.MemberRegistrationsRow{EventID: 1, EventName: "Cup", StartsOn: "2027-01-01", EndsOn: "2027-01-02", Kind: "individual", Status: "pending", FeeCents: 2500, Currency: "CAD"}}},
		Audit:         []memberAuditEntry{{AuditLog: orgdb.AuditLog{Actor: "a@b.org", Action: "payment.confirmed", Subject: "M1-ABCD"}, When: "2026-09-01 10:00"}},
	}
	samplePaymentsHistory = paymentsHistoryView{page: signedIn, Season: "2026-2027", CurrentSeason: "2026-2027", Seasons: []string{"2025-2026", "2026-2027"},
		Rows: []historyPayment{{PaymentHistoryRow: orgdb.PaymentHistoryRow{ID: 1, Reference: "M1-ABCD", AmountCents: 5000, Currency: "CAD", Status: "confirmed",
			ReceivedCents: sql.NullInt64{Int64: 5000, Valid: true}, MemberName: "Mia", TypeName: "Adult", SeasonName: "2026-2027", DecidedBy: "a@b.org"}, Decided: "2026-09-01 10:00"}},
		Totals: []historyTotal{{Currency: "CAD", Confirmed: 1, DueCents: 5000, ReceivedCents: 5000}}, Matching: 1, Zone: "America/Toronto"}
	sampleCharts = dashboardCharts{weeklyCharts: weeklyCharts{Season: "2026-2027", From: "2026-09-01", To: "2026-09-08",
		Memberships: weeklyOf("m", "Memberships", "memberships", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), []int64{1, 3}, func(v int64) string { return fmt.Sprint(v) })},
		Capacity: []eventCapacity{{ID: 1, Name: "Cup", StartsOn: "2027-01-01", Taken: 3, Capacity: 10, Percent: "30.0"}}}
)

// memberWithHistory makes a member of org A with a complete profile, a
// membership confirmed at a different amount (acknowledged), a team and
// an event registration, and returns them.
func (w *world) memberWithHistory(email string) account.User {
	w.t.Helper()
	u := w.activeMember(email)
	e := w.newEvent("Detail Cup", 20)
	w.scope(w.a, func(sc *tenant.Scope) {
		if _, err := w.srv.events.Register(context.Background(), sc, u, e.ID); err != nil {
			w.t.Fatal(err)
		}
	})
	w.richProfile(u)
	return u
}

// richProfile saves a profile with every field for u.
func (w *world) richProfile(u account.User) {
	w.t.Helper()
	w.scope(w.a, func(sc *tenant.Scope) {
		p := membership.Profile{DateOfBirth: "1991-02-03", Pronouns: "they/them", Phone: "+1 416 555 0123",
			EmergencyName: "Robin Relative", EmergencyRelationship: "sibling", EmergencyPhone: "+1 416 555 0456"}
		if _, err := membership.SaveProfile(context.Background(), sc, u.ID, p, time.Now()); err != nil {
			w.t.Fatal(err)
		}
	})
}

// An admin's page about a member shows the profile with the emergency
// contact, the membership and its payment, teams, registrations and the
// audit entries about them; a member cannot see it and an unknown id is
// a 404.
func TestMemberDetailPage(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	u := w.memberWithHistory("detail@example.org")
	w.teamActivate(u)
	slug, _ := w.teamFixture("Detail Dragons", u, nil, nil)
	w.richProfile(u)
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")

	_, list := admin.get("/admin/members?q=detail")
	link := list.Find(`#member-` + itoa(u.ID) + ` a[href="/admin/members/` + itoa(u.ID) + `"]`)
	if link.Length() != 1 {
		t.Fatalf("the members list does not link the member's page: %q", list.Find("#members").Text())
	}
	if got := strings.TrimSpace(list.Find(`#member-` + itoa(u.ID) + ` td[data-label="Membership"]`).Text()); !strings.HasPrefix(got, "Active") {
		t.Errorf("membership in the list: %q", got)
	}

	res, d := admin.get("/admin/members/" + itoa(u.ID))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("detail: %d", res.StatusCode)
	}
	text := func(sel string) string { return strings.Join(strings.Fields(d.Find(sel).Text()), " ") }
	for sel, want := range map[string][]string{
		"#member-account":       {"detail@example.org", "member", "Active"},
		"#member-profile":       {"1991-02-03", "they/them", "+1 416 555 0123", "Robin Relative", "sibling", "+1 416 555 0456"},
		"#member-memberships":   {"Adult player", "confirmed", "10.00 CAD"},
		"#member-teams":         {"Detail Dragons", "captain"},
		"#member-registrations": {"Detail Cup", "individual", "pending", "25.00 CAD"},
		"#member-audit":         {"Confirmed a payment"},
	} {
		for _, s := range want {
			if !strings.Contains(text(sel), s) {
				t.Errorf("%s lacks %q: %q", sel, s, text(sel))
			}
		}
	}
	if d.Find(`#member-teams a[href="/teams/`+slug+`"]`).Length() != 1 {
		t.Errorf("team link missing: %q", text("#member-teams"))
	}
	if strings.Contains(d.Text(), "$argon") || strings.Contains(d.Text(), "password_hash") {
		t.Error("the page shows a password hash")
	}

	if res, _ := admin.get("/admin/members/999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown member: %d, want 404", res.StatusCode)
	}
	if res, _ := admin.get("/admin/members/abc"); res.StatusCode != http.StatusNotFound {
		t.Errorf("bad id: %d, want 404", res.StatusCode)
	}
	if res, _ := w.as(orgMember, "quadball-canada.localhost").get("/admin/members/" + itoa(u.ID)); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member sees a member's page: %d", res.StatusCode)
	}
}

// The members list says which members hold this season's membership,
// awaiting payment or none, and the CSV export has a header row, one line
// per member (over several pages of the read), the same membership status,
// the emergency contact, formulas made harmless, and no password hash or
// token.
func TestMembersSeasonStatusAndCSV(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	active := w.memberWithHistory("holder@example.org")
	w.pendingPayment(1) // buyer-1@example.org: awaiting payment
	w.user(w.a, "formula@example.org", "=HYPERLINK(\"http://evil\")", account.RoleMember, testPassword)
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")

	want := map[string]string{"holder@example.org": "Active", "buyer-1@example.org": "Awaiting payment", "member@example.org": "None"}
	_, d := admin.get("/admin/members")
	got := map[string]string{}
	d.Find("#members tbody tr").Each(func(_ int, tr *goquery.Selection) {
		email := strings.TrimSpace(tr.Find(`td[data-label="Email"]`).Text())
		status := strings.TrimSpace(tr.Find(`td[data-label="Membership"]`).Clone().Children().Remove().End().Text())
		got[email] = status
	})
	for email, status := range want {
		if got[email] != status {
			t.Errorf("%s: membership %q in the list, want %q", email, got[email], status)
		}
	}
	if d.Find(`a[href="/admin/members.csv"]`).Length() != 1 {
		t.Error("no export link on the members list")
	}

	defer func(n int) { memberExportPage = n }(memberExportPage)
	memberExportPage = 2 // several pages, each read on its own
	req, _ := http.NewRequest(http.MethodGet, admin.base+"/admin/members.csv", nil)
	res := admin.do(req)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(string(b), "\ufeff") {
		t.Error("no byte order mark: Excel would garble accented names")
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b)
	}
	if strings.Join(records[0], ",") != strings.Join(memberExportHeader, ",") {
		t.Errorf("header %q", records[0])
	}
	var users int64
	w.scope(w.a, func(sc *tenant.Scope) { users, _ = sc.Q().UserSearchCount(context.Background(), "") })
	if int64(len(records)-1) != users {
		t.Errorf("%d lines for %d members", len(records)-1, users)
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	seen := map[string][]string{}
	for _, r := range records[1:] {
		seen[r[col["email"]]] = r
	}
	statusWord := map[string]string{"Active": "active", "Awaiting payment": "pending", "None": "none"}
	for email, status := range want {
		if r := seen[email]; r == nil || r[col["membership_status"]] != statusWord[status] {
			t.Errorf("%s in the export: %q, want %s", email, r, statusWord[status])
		}
	}
	// A phone number's leading + would start a formula: it is quoted too.
	if r := seen[active.Email]; r[col["emergency_name"]] != "Robin Relative" || r[col["emergency_phone"]] != "'+1 416 555 0456" || r[col["membership_type"]] != "Adult player" {
		t.Errorf("holder's line %q", r)
	}
	if r := seen["formula@example.org"]; r == nil || !strings.HasPrefix(r[col["name"]], "'=") {
		t.Errorf("a formula is exported as is: %q", r)
	}
	if s := string(b); strings.Contains(s, "$argon") || strings.Contains(strings.ToLower(s), "password") || strings.Contains(strings.ToLower(s), "token") {
		t.Error("the export contains a password hash or a token")
	}
}

// Without JavaScript, confirming an amount other than the one due shows
// the payments page again (422) with the acknowledgement to tick, nothing
// changed; ticking it confirms, stores the acknowledgement with the
// payment and the history shows it, with who confirmed and when.
func TestPaymentDifferentAmountWithoutJS(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	id := itoa(w.pendingPayment(1))
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	before := w.state()
	res := admin.post("/admin/payments/"+id+"/confirm", url.Values{"received": {"4.50"}})
	d := doc(t, res)
	row := d.Find("#payment-" + id)
	if res.StatusCode != http.StatusUnprocessableEntity || row.Find(`input[type="checkbox"][name="different"][required]`).Length() != 1 ||
		!strings.Contains(row.Find(".error").Text(), "is not the 10.00 CAD due") || d.Find("footer.site").Length() != 1 {
		t.Fatalf("plain form, different amount: %d %q", res.StatusCode, row.Text())
	}
	if v, _ := row.Find(`input[name="received"]`).Attr("value"); v != "4.50" {
		t.Errorf("typed amount lost: %q", v)
	}
	if w.state() != before {
		t.Fatal("an unacknowledged amount changed the database")
	}
	res = admin.post("/admin/payments/"+id+"/confirm", url.Values{"received": {"4.50"}, "different": {"yes"}})
	if res.StatusCode != http.StatusSeeOther || location(res) != "/admin/payments" {
		t.Fatalf("acknowledged: %d %q", res.StatusCode, location(res))
	}
	_, d = admin.get("/admin/payments")
	if !strings.Contains(d.Text(), "4.50 CAD received of 10.00 CAD due (difference acknowledged)") {
		t.Errorf("flash: %q", d.Find(".notice").Text())
	}
	w.scope(w.a, func(sc *tenant.Scope) {
		p, err := sc.Q().PaymentGet(context.Background(), mustID(t, id))
		if err != nil || !p.DifferenceAcknowledged || p.ReceivedCents.Int64 != 450 || p.Status != "confirmed" {
			t.Errorf("stored: %+v %v", p, err)
		}
	})
	_, d = admin.get("/admin/payments/history")
	hrow := d.Find("#history-" + id)
	if !strings.Contains(hrow.Text(), "different amount, acknowledged") || !strings.Contains(hrow.Text(), "admin@example.org") ||
		!strings.Contains(hrow.Find(`td[data-label="Received"]`).Text(), "4.50 CAD") || strings.TrimSpace(hrow.Find(`td[data-label="Decided"]`).Text()) == "" {
		t.Errorf("history row %q", strings.Join(strings.Fields(hrow.Text()), " "))
	}
	// The capability refuses it too, whoever calls it.
	pid := w.pendingPayment(2)
	w.scope(w.a, func(sc *tenant.Scope) {
		err := w.srv.memberships.Confirm(context.Background(), sc, account.Actor{Label: "test"}, pid, "9.99")
		if err == nil {
			t.Error("Confirm took a different amount without an acknowledgement")
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The payments history lists confirmed and rejected payments, filtered by
// status and season, with totals per currency that are never added across
// currencies; a bad filter is a 4xx.
func TestPaymentsHistoryFiltersAndTotals(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	ok, no := itoa(w.pendingPayment(1)), itoa(w.pendingPayment(2))
	admin.post("/admin/payments/"+ok+"/confirm", url.Values{"received": {"10.00"}})
	admin.post("/admin/payments/"+no+"/reject", url.Values{"note": {"never arrived"}})
	// A payment in another currency.
	form := w.settingsForm()
	form.Set("currency", "USD")
	if res := admin.post("/admin/settings", form); res.StatusCode >= 400 {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	usd := itoa(w.pendingPaymentNoReset(3))
	admin.post("/admin/payments/"+usd+"/confirm", url.Values{"received": {"10.00"}})
	w.pendingPaymentNoReset(4) // still pending: never in the history

	rows := func(d *goquery.Document) []string {
		var out []string
		d.Find("#payment-history tbody tr").Each(func(_ int, tr *goquery.Selection) {
			out = append(out, strings.TrimPrefix(tr.AttrOr("id", ""), "history-"))
		})
		return out
	}
	_, d := admin.get("/admin/payments/history")
	if got := strings.Join(rows(d), ","); got != strings.Join([]string{usd, no, ok}, ",") {
		t.Errorf("history ids %s, want %s,%s,%s", got, usd, no, ok)
	}
	totals := map[string]string{}
	d.Find("#payment-totals tbody tr").Each(func(_ int, tr *goquery.Selection) {
		totals[tr.AttrOr("data-currency", "")] = strings.Join(strings.Fields(tr.Text()), " ")
	})
	if totals["CAD"] != "CAD 1 10.00 CAD 10.00 CAD 1 10.00 CAD" || totals["USD"] != "USD 1 10.00 USD 10.00 USD 0 0.00 USD" || len(totals) != 2 {
		t.Errorf("totals %q", totals)
	}
	if !strings.Contains(d.Find("#history-"+no).Text(), "never arrived") {
		t.Errorf("rejection note missing: %q", d.Find("#history-"+no).Text())
	}
	_, d = admin.get("/admin/payments/history?status=rejected")
	if got := strings.Join(rows(d), ","); got != no {
		t.Errorf("rejected only: %s", got)
	}
	_, d = admin.get("/admin/payments/history?status=confirmed&season=" + url.QueryEscape("No such season"))
	if len(rows(d)) != 0 || d.Find("#payment-totals tbody tr").Length() != 0 {
		t.Errorf("another season shows payments: %q", rows(d))
	}
	_, d = admin.get("/admin/payments/history?season=")
	if len(rows(d)) != 3 {
		t.Errorf("every season: %q", rows(d))
	}
	if res, _ := admin.get("/admin/payments/history?status=pending"); res.StatusCode < 400 || res.StatusCode >= 500 {
		t.Errorf("bad status filter: %d", res.StatusCode)
	}
}

// pendingPaymentNoReset is pendingPayment without saving the settings
// again (which would undo a currency change).
func (w *world) pendingPaymentNoReset(n int) int64 {
	w.t.Helper()
	var typeID int64
	w.scope(w.a, func(sc *tenant.Scope) {
		types, err := settings.ActiveTypes(context.Background(), sc)
		if err != nil || len(types) == 0 {
			w.t.Fatalf("no membership type: %v", err)
		}
		typeID = types[0].ID
	})
	u := w.user(w.a, fmt.Sprintf("buyer-%d@example.org", n), "Buyer", account.RoleMember, testPassword)
	var id int64
	w.scope(w.a, func(sc *tenant.Scope) {
		ctx := context.Background()
		p := membership.Profile{DateOfBirth: "1990-01-01", Phone: "4165550100", EmergencyName: "E", EmergencyRelationship: "friend", EmergencyPhone: "4165550101"}
		if _, err := membership.SaveProfile(ctx, sc, u.ID, p, time.Now()); err != nil {
			w.t.Fatal(err)
		}
		m, err := w.srv.memberships.Buy(ctx, sc, u, typeID, true)
		if err != nil {
			w.t.Fatal(err)
		}
		pending, _ := membership.PendingPayments(ctx, sc)
		for _, p := range pending {
			if p.Reference == m.PaymentReference {
				id = p.PaymentID
			}
		}
	})
	return id
}

// Every figure of the dashboard's charts agrees with the list it sums up:
// memberships activated per week with the confirmed payments of the
// payments history by the week of their confirmation, their total with
// the members list's active memberships; revenue per week and currency
// with the history's amounts received, and its total with the history's
// total per currency; each upcoming event's registrations with its
// participant list. The SVG bars carry the same figures as the tables.
func TestDashboardChartsMatchTheLists(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	w.openRegistration()
	w.scope(w.a, func(sc *tenant.Scope) {
		if _, err := demo.Seed(context.Background(), sc, w.srv.settings, 40, 11); err != nil {
			t.Fatal(err)
		}
	})
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	admin.get("/admin") // the weekly charts are kept from here: the writes below must make them stale
	// This week: one confirmed at a different amount, one rejected.
	a, b := itoa(w.pendingPayment(1)), itoa(w.pendingPayment(2))
	admin.post("/admin/payments/"+a+"/confirm", url.Values{"received": {"7.25"}, "different": {"yes"}})
	admin.post("/admin/payments/"+b+"/reject", nil)
	w.eventWithRegistration(1)

	_, d := admin.get("/admin")
	if _, again := admin.get("/admin"); again.Find("#charts").Text() != d.Find("#charts").Text() {
		t.Error("the kept charts differ from the ones just computed")
	}
	figures := func(id string) (map[string]int64, int64) {
		out := map[string]int64{}
		fig := d.Find("#" + id)
		if fig.Length() != 1 {
			t.Fatalf("no chart %s", id)
		}
		fig.Find("table tbody tr").Each(func(_ int, tr *goquery.Selection) {
			var v int64
			fmt.Sscan(tr.Find("td").AttrOr("data-value", ""), &v)
			out[strings.TrimSpace(tr.Find("th").Text())] = v
		})
		fig.Find("svg rect.bar").Each(func(_ int, r *goquery.Selection) {
			var v int64
			fmt.Sscan(r.AttrOr("data-value", ""), &v)
			if out[r.AttrOr("data-week", "")] != v {
				t.Errorf("%s: bar of week %s is %d, its table says %d", id, r.AttrOr("data-week", ""), v, out[r.AttrOr("data-week", "")])
			}
		})
		var total int64
		fmt.Sscan(fig.Find("table tfoot td").AttrOr("data-value", ""), &total)
		return out, total
	}
	memberWeeks, memberTotal := figures("chart-memberships")
	revenueWeeks, revenueTotal := figures("chart-revenue-CAD")

	// The payments history, confirmed, this season: per week of the
	// decision (in the org's time zone), how many and how much.
	var st settings.Settings
	w.scope(w.a, func(sc *tenant.Scope) {
		var err error
		if st, err = w.srv.settings.Get(context.Background(), sc); err != nil {
			t.Fatal(err)
		}
	})
	start, n := seasonWeeks(st, time.Now())
	_, h := admin.get("/admin/payments/history?status=confirmed")
	countByWeek, centsByWeek := map[string]int64{}, map[string]int64{}
	rows := 0
	h.Find("#payment-history tbody tr").Each(func(_ int, tr *goquery.Selection) {
		rows++
		day, err := time.ParseInLocation("2006-01-02", strings.Fields(tr.Find(`td[data-label="Decided"]`).Text())[0], st.Location())
		if err != nil {
			t.Fatal(err)
		}
		week := start.AddDate(0, 0, 7*weekOf(start, n, day.Add(12*time.Hour), st.Location())).Format("2006-01-02")
		countByWeek[week]++
		var units, cents int64
		fmt.Sscanf(strings.Fields(tr.Find(`td.received`).Text())[0], "%d.%d", &units, &cents)
		centsByWeek[week] += units*100 + cents
	})
	if rows < 5 {
		t.Fatalf("only %d confirmed payments in the history: the comparison proves little", rows)
	}
	for week, v := range memberWeeks {
		if countByWeek[week] != v {
			t.Errorf("memberships in the week of %s: chart %d, history %d", week, v, countByWeek[week])
		}
		if centsByWeek[week] != revenueWeeks[week] {
			t.Errorf("revenue in the week of %s: chart %d, history %d cents", week, revenueWeeks[week], centsByWeek[week])
		}
	}
	for week, v := range countByWeek {
		if _, ok := memberWeeks[week]; !ok && v > 0 {
			t.Errorf("history has %d payments in the week of %s, the chart has no such week", v, week)
		}
	}
	received := strings.TrimSpace(h.Find(`#payment-totals tr[data-currency="CAD"] td.received-total`).Text())
	if want := fmt.Sprintf("%d.%02d CAD", revenueTotal/100, revenueTotal%100); received != want {
		t.Errorf("history's CAD total %q, chart's %q", received, want)
	}
	if d.Find(`figure[id^="chart-revenue-"]`).Length() != 1 {
		t.Errorf("%d revenue charts for one currency", d.Find(`figure[id^="chart-revenue-"]`).Length())
	}

	// The members list, every page: active memberships of this season.
	var active int64
	for page := 1; ; page++ {
		_, m := admin.get(fmt.Sprintf("/admin/members?page=%d", page))
		m.Find(`#members td[data-label="Membership"]`).Each(func(_ int, td *goquery.Selection) {
			if strings.HasPrefix(strings.TrimSpace(td.Text()), "Active") {
				active++
			}
		})
		if m.Find(`#members nav a:contains("Next")`).Length() == 0 {
			break
		}
	}
	if active != memberTotal {
		t.Errorf("members list: %d active memberships this season, chart total %d", active, memberTotal)
	}

	// Registrations against capacity: each event's participant list.
	items := d.Find("#chart-capacity li")
	if items.Length() == 0 {
		t.Fatal("no upcoming event in the capacity chart")
	}
	items.Each(func(_ int, li *goquery.Selection) {
		req, _ := http.NewRequest(http.MethodGet, admin.base+"/admin/events/"+li.AttrOr("data-event", "")+"/participants.csv", nil)
		res := admin.do(req)
		records, err := csv.NewReader(res.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(len(records) - 1); got != li.AttrOr("data-taken", "") {
			t.Errorf("event %s: chart %s registered, participant list %s", li.AttrOr("data-event", ""), li.AttrOr("data-taken", ""), got)
		}
		if !strings.Contains(li.Text(), li.AttrOr("data-taken", "")+" of "+li.AttrOr("data-capacity", "")+" places") {
			t.Errorf("capacity text %q", li.Text())
		}
	})
}
