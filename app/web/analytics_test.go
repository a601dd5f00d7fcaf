package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"sportsapp/app/analytics"
	"sportsapp/app/demo"
	"sportsapp/app/tenant"
)

func init() {
	f, _ := analytics.ParseFilter("2026-01-01", "2026-03-31", "month", "", "", "", "", time.Now())
	fv := analyticsFilterViewOf(f, "/analytics")
	chart := analyticsChart{ID: "members", Title: "Members", Summary: "Members by month.", Bars: []analyticsBar{{X: 1, Y: 10, W: 5, H: 90, Label: "Jan 2026", Value: "12"}}}
	org := orgAnalyticsView{page: signedIn, Org: tenant.Org{Name: "Quadball Canada", Slug: "quadball-canada"}, Filter: analyticsFilterViewOf(f, "/admin/analytics"),
		Collected: true, AsOf: "2026-03-31 10:00 UTC", Figures: []analyticsFigure{{"Members", "12"}}, Types: []analyticsFigure{{"Adult", "fewer than 5"}},
		AgeBands: []analyticsFigure{{"25-34", "7"}}, Charts: []analyticsChart{chart},
		Benchmark: &analytics.Benchmark{SizeBand: "under 50 members", Orgs: 6, Members: 20, HasMembers: true, RenewalRate: 61, HasRenewalRate: true}, BenchShown: true}
	plat := platformAnalyticsView{page: superPage, Filter: fv, Totals: []analyticsFigure{{"Members", "40"}}, Charts: []analyticsChart{chart},
		Currencies: []string{"CAD"}, Count: 1, Columns: []analyticsSortColumn{{Key: "name", Label: "Organization", Href: "/analytics?sort=name", Sort: "ascending"}},
		Orgs: []platformOrgRow{{Slug: "quadball-canada", Name: "Quadball Canada", Status: "active", Members: "12", Revenue: []string{"10.00 CAD"}, Collected: true}}}
	viewSamples["analytics/org"] = org
	viewSamples["analytics/_org"] = org
	viewSamples["analytics/platform"] = plat
	viewSamples["analytics/_platform"] = plat
	viewSamples["analytics/_chart"] = chart
	viewSamples["analytics/_filter"] = fv
}

// seedAnalytics fills both orgs of w with demo data (30 and 12 members on
// top of the world's own) and collects their figures.
func seedAnalytics(t testing.TB, w *world) {
	t.Helper()
	ctx := context.Background()
	for i, o := range []tenant.Org{w.a, w.b} {
		w.membershipType(o, "Adult player", false)
		h, err := w.pool.Acquire(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		_, err = demo.SeedAt(ctx, tenant.NewScope(h), w.srv.settings, []int{30, 12}[i], uint64(3+i), time.Now())
		h.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	col := &analytics.Collector{Platform: w.srv.analytics.Platform, Registry: w.reg, Pool: w.pool}
	if err := col.CollectAll(ctx, []tenant.Org{w.a, w.b}, nil); err != nil {
		t.Fatal(err)
	}
}

func (w *world) memberCount(o tenant.Org) int64 {
	w.t.Helper()
	h, err := w.pool.Acquire(context.Background(), o)
	if err != nil {
		w.t.Fatal(err)
	}
	defer h.Release()
	n, err := tenant.NewScope(h).Q().UserSearchCount(context.Background(), "")
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// readCSV downloads path with br and parses it.
func readCSV(t *testing.T, br *browser, path string) (*http.Response, [][]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, br.base+path, nil)
	res := br.do(req)
	defer res.Body.Close()
	recs, err := csv.NewReader(res.Body).ReadAll()
	if err != nil && res.StatusCode == http.StatusOK {
		t.Fatalf("%s: %v", path, err)
	}
	return res, recs
}

// The super-admin page shows both organizations with their figures, its
// filter narrows the table (htmx: the partial only), its CSV has the same
// rows, bad input is a 422; the org admin's page and CSV hold only the
// org's own figures.
func TestAnalyticsPagesAndExports(t *testing.T) {
	w := newWorld(t, envOptions{})
	seedAnalytics(t, w)
	aMembers, bMembers := w.memberCount(w.a), w.memberCount(w.b)

	super := w.as(superPersona, "admin.localhost")
	res, doc := super.get("/analytics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /analytics: %d", res.StatusCode)
	}
	for slug, want := range map[string]int64{w.a.Slug: aMembers, w.b.Slug: bMembers} {
		got := strings.TrimSpace(doc.Find(`#analytics-orgs tr[data-org="` + slug + `"] td.members`).Text())
		if got != strconv.FormatInt(want, 10) {
			t.Errorf("%s members %q, want %d", slug, got, want)
		}
	}
	if doc.Find("figure.chart svg rect").Length() == 0 || doc.Find("figure.chart table").Length() == 0 {
		t.Error("no chart with its figures table")
	}
	res, doc = super.get("/analytics?q=alberta&sort=members&dir=desc", "HX-Request", "true")
	if res.StatusCode != http.StatusOK || doc.Find("#analytics-orgs tbody tr").Length() != 1 || doc.Find("html > head > title").Length() != 0 {
		t.Fatalf("filtered htmx: %d, %d rows", res.StatusCode, doc.Find("#analytics-orgs tbody tr").Length())
	}
	if res, _ := super.get("/analytics?from=yesterday"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad date: %d, want 422", res.StatusCode)
	}
	res, recs := readCSV(t, super, "/analytics.csv")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || len(recs) != 3 || recs[0][0] != "slug" {
		t.Fatalf("platform CSV: %d %q %v", res.StatusCode, res.Header.Get("Content-Type"), recs)
	}
	_, recs = readCSV(t, super, "/analytics.csv?q=alberta")
	if len(recs) != 2 || recs[1][0] != w.b.Slug {
		t.Errorf("filtered CSV: %v", recs)
	}
	if res, doc := super.get("/analytics/orgs/" + w.a.Slug); res.StatusCode != http.StatusOK || !strings.Contains(doc.Find("h1").Text(), w.a.Name) {
		t.Errorf("drill-down: %d", res.StatusCode)
	}

	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	res, doc = admin.get("/admin/analytics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /admin/analytics: %d", res.StatusCode)
	}
	if body, _ := doc.Html(); strings.Contains(body, w.b.Name) || strings.Contains(body, w.b.Slug) {
		t.Error("the org admin's page names another organization")
	}
	res, recs = readCSV(t, admin, "/admin/analytics.csv?q="+w.b.Slug)
	if res.StatusCode != http.StatusOK || len(recs) < 13 || recs[0][0] != "period_start" || recs[0][2] != "members" {
		t.Fatalf("org CSV: %d %v", res.StatusCode, recs)
	}
	if last := recs[len(recs)-1][2]; last != strconv.FormatInt(aMembers, 10) {
		t.Errorf("org CSV members now %s, want %d (its own org only)", last, aMembers)
	}
}

// Benchmarks appear only once 5 organizations of the size contribute, and
// small counts read "fewer than 5" in the drill-down.
func TestAnalyticsBenchmarksNeedFiveOrgs(t *testing.T) {
	w := newWorld(t, envOptions{})
	seedAnalytics(t, w)
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	_, doc := admin.get("/admin/analytics")
	if !strings.Contains(doc.Find("#bench-heading").Parent().Text(), "Not enough organizations") {
		t.Errorf("benchmark shown with 2 organizations: %q", doc.Find("#bench-heading").Parent().Text())
	}
	ctx := context.Background()
	var more []tenant.Org
	for i := range 4 {
		o := w.org("league-"+strconv.Itoa(i), "League "+strconv.Itoa(i))
		w.membershipType(o, "Adult player", false)
		h, err := w.pool.Acquire(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		_, err = demo.SeedAt(ctx, tenant.NewScope(h), w.srv.settings, 30, uint64(10+i), time.Now())
		h.Release()
		if err != nil {
			t.Fatal(err)
		}
		more = append(more, o)
	}
	col := &analytics.Collector{Platform: w.srv.analytics.Platform, Registry: w.reg, Pool: w.pool}
	if err := col.CollectAll(ctx, more, nil); err != nil {
		t.Fatal(err)
	}
	w.srv.analytics = &analytics.Reader{Platform: w.srv.analytics.Platform, Registry: w.reg} // no cached benchmark
	_, doc = admin.get("/admin/analytics")
	text := doc.Find("#bench-heading").Parent().Text()
	if !strings.Contains(text, "Median members") || strings.Contains(text, "League") {
		t.Errorf("benchmark with 5 organizations of the size: %q", text)
	}
	// A single person's age band is suppressed in the drill-down.
	super := w.as(superPersona, "admin.localhost")
	_, doc = super.get("/analytics/orgs/" + w.a.Slug)
	if !strings.Contains(doc.Text(), "fewer than 5") {
		t.Error("no small count suppressed in the drill-down")
	}
}
