package web

import (
	"bufio"
	"context"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"sportsapp/app/account"
	"sportsapp/app/auth"
	"sportsapp/app/demo"
	"sportsapp/app/tenant"
)

// The warm-page benchmarks of issue 12: the signed-in member's home, the
// org admin's dashboard and the anonymous org home, on an organization
// filled with the demo data (300 members, two seasons, teams, events), each
// request carrying a real session cookie through the whole middleware
// chain. BenchmarkBareFiber is the yardstick: the ratio the issue quotes is
// BareFiber's ns/op divided by a page's. Run them with
//
//	go test -run '^$' -bench 'Bare|Warm|MemberHome|AdminDashboard' -benchmem ./app/web
//
// and profile one with -cpuprofile.

// warmHost is the demo organization's host in these benchmarks.
const warmHost = "quadball-canada.localhost:8080"

// warmSite is a server with one demo organization, a member holding a
// membership, registrations and a team, and an admin, both signed in.
type warmSite struct {
	*env
	org                  tenant.Org
	memberSID, adminSID  string
	handler              fasthttp.RequestHandler
	memberName, siteName string
}

func newWarmSite(b testing.TB) *warmSite {
	b.Helper()
	e := newEnv(b, tenant.PoolOptions{})
	w := &warmSite{env: e, org: e.org("quadball-canada", "Quadball Canada")}
	ctx := context.Background()
	(&world{env: e, a: w.org}).openRegistration() // a season around today and a membership type
	var member account.User
	e.scope(w.org, func(sc *tenant.Scope) {
		if _, err := demo.Seed(ctx, sc, e.srv.settings, 300, 42); err != nil {
			b.Fatal(err)
		}
	})
	// The member with a membership and a team who has the most
	// registrations for events not over, so the home page has something
	// in every box.
	h, err := e.pool.Acquire(ctx, w.org)
	if err != nil {
		b.Fatal(err)
	}
	var id int64
	err = h.DB().R.QueryRowContext(ctx, `SELECT r.user_id FROM event_registrations r
		JOIN events e ON e.id = r.event_id AND e.ends_on >= date('now') AND r.status != 'cancelled'
		JOIN team_members t ON t.user_id = r.user_id
		WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = r.user_id)
		GROUP BY r.user_id ORDER BY count(*) DESC, r.user_id LIMIT 1`).Scan(&id)
	h.Release()
	if err != nil {
		b.Fatal(err)
	}
	e.scope(w.org, func(sc *tenant.Scope) {
		if member, err = account.UserByID(ctx, sc, id); err != nil {
			b.Fatal(err)
		}
	})
	admin := e.user(w.org, "admin@example.org", "Ada Admin", account.RoleAdmin, testPassword)
	w.memberSID, w.adminSID = e.session(w.org, member), e.session(w.org, admin)
	w.memberName = member.Name
	w.handler = e.srv.App().Handler()
	return w
}

// queryCounter counts the queries run on an org's database, through the
// statement caches' Observe hook.
type queryCounter struct {
	mu    sync.Mutex
	names []string
}

func (q *queryCounter) observe(_ context.Context, name string, _ time.Duration, _ error) {
	q.mu.Lock()
	q.names = append(q.names, name)
	q.mu.Unlock()
}

// take returns the queries counted since the last take.
func (q *queryCounter) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.names
	q.names = nil
	return n
}

// countQueries starts counting the queries on the site's org database. It
// must be called while no request runs (Observe is read without a lock).
func (w *warmSite) countQueries(tb testing.TB) *queryCounter {
	tb.Helper()
	h, err := w.pool.Acquire(context.Background(), w.org)
	if err != nil {
		tb.Fatal(err)
	}
	defer h.Release()
	qc := &queryCounter{}
	h.DB().SetObserve(qc.observe)
	return qc
}

// serveCookie runs one GET through h, parsed from its wire form as a
// server would read it (the Host checks look at the raw header block), with
// a session cookie (none if sid is empty), and returns the response's
// status and body length.
func serveCookie(h fasthttp.RequestHandler, host, path, sid string) (int, int) {
	raw := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: bench\r\n"
	if sid != "" {
		raw += "Cookie: " + auth.SessionCookie + "=" + sid + "\r\n"
	}
	raw += "\r\n"
	var ctx fasthttp.RequestCtx
	if err := ctx.Request.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		panic(err)
	}
	h(&ctx)
	return ctx.Response.StatusCode(), len(ctx.Response.Body())
}

func (w *warmSite) bench(b *testing.B, path, sid string) {
	b.Helper()
	if st, n := serveCookie(w.handler, warmHost, path, sid); st != 200 || n == 0 {
		b.Fatalf("GET %s: status %d, %d bytes", path, st, n)
	}
	qc := w.countQueries(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		serveCookie(w.handler, warmHost, path, sid)
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(qc.take()))/float64(b.N), "queries/op")
}

// cpuTime is the CPU time this process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start: unlike ns/op
// it hardly moves when other processes share the machine's cores.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func (w *warmSite) benchParallel(b *testing.B, path, sid string) {
	b.Helper()
	if st, _ := serveCookie(w.handler, warmHost, path, sid); st != 200 {
		b.Fatalf("GET %s: status %d", path, st)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serveCookie(w.handler, warmHost, path, sid)
		}
	})
}

// BenchmarkMemberHome: GET / signed in as a member with a membership,
// registrations and a team.
func BenchmarkMemberHome(b *testing.B) {
	w := newWarmSite(b)
	w.bench(b, "/", w.memberSID)
}

// BenchmarkMemberHomeParallel: the same on every core.
func BenchmarkMemberHomeParallel(b *testing.B) {
	w := newWarmSite(b)
	w.benchParallel(b, "/", w.memberSID)
}

// BenchmarkAdminDashboard: GET /admin signed in as the org's admin.
func BenchmarkAdminDashboard(b *testing.B) {
	w := newWarmSite(b)
	w.bench(b, "/admin", w.adminSID)
}

// BenchmarkAdminDashboardParallel: the same on every core.
func BenchmarkAdminDashboardParallel(b *testing.B) {
	w := newWarmSite(b)
	w.benchParallel(b, "/admin", w.adminSID)
}

// BenchmarkAnonHome: GET / with no cookie on the demo organization.
func BenchmarkAnonHome(b *testing.B) {
	w := newWarmSite(b)
	w.bench(b, "/", "")
}

// BenchmarkAnonHomeParallel: the same on every core.
func BenchmarkAnonHomeParallel(b *testing.B) {
	w := newWarmSite(b)
	w.benchParallel(b, "/", "")
}

// bareFiber is the yardstick: Fiber answering "Hello, World!" with no
// middleware, driven the same way as the pages.
func bareFiber() fasthttp.RequestHandler {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("Hello, World!") })
	return app.Handler()
}

// BenchmarkBareFiber: the bare Fiber hello server.
func BenchmarkBareFiber(b *testing.B) {
	h := bareFiber()
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		serveCookie(h, warmHost, "/", "")
	}
	reportCPU(b, cpu)
}

// BenchmarkBareFiberParallel: the same on every core.
func BenchmarkBareFiberParallel(b *testing.B) {
	h := bareFiber()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serveCookie(h, warmHost, "/", "")
		}
	})
}

// The caches off, one at a time, for docs/caching.md's on/off figures.

// BenchmarkAnonHomeNoPageCache: the anonymous home rendered every time.
func BenchmarkAnonHomeNoPageCache(b *testing.B) {
	w := newWarmSite(b)
	w.srv.pages.disabled = true
	w.bench(b, "/", "")
}

// BenchmarkAnonHomeRevalidated: the anonymous home asked with the ETag of
// the copy the browser holds (a 304 without a body).
func BenchmarkAnonHomeRevalidated(b *testing.B) {
	w := newWarmSite(b)
	res := w.get("quadball-canada.localhost", "/")
	etag := res.Header.Get("ETag")
	if etag == "" {
		b.Fatal("no ETag")
	}
	raw := "GET / HTTP/1.1\r\nHost: " + warmHost + "\r\nUser-Agent: bench\r\nIf-None-Match: " + etag + "\r\n\r\n"
	cpu := cpuTime()
	b.ReportAllocs()
	for b.Loop() {
		var ctx fasthttp.RequestCtx
		if err := ctx.Request.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
			b.Fatal(err)
		}
		w.handler(&ctx)
		if ctx.Response.StatusCode() != 304 {
			b.Fatalf("status %d", ctx.Response.StatusCode())
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkMemberHomeNoSessionCache: the member home reading its session
// from the database on every request.
func BenchmarkMemberHomeNoSessionCache(b *testing.B) {
	w := newWarmSite(b)
	w.accounts.DisableSessionCache = true
	w.bench(b, "/", w.memberSID)
}

// BenchmarkMemberHomeNoSettingsCache: the member home reading the
// settings on every request (settings.Service's cache, a minute by
// default, expires at once).
func BenchmarkMemberHomeNoSettingsCache(b *testing.B) {
	w := newWarmSite(b)
	w.srv.settings.TTL = time.Nanosecond
	w.bench(b, "/", w.memberSID)
}

// BenchmarkAdminDashboardNoCaches: the admin dashboard without the
// session and settings caches.
func BenchmarkAdminDashboardNoCaches(b *testing.B) {
	w := newWarmSite(b)
	w.accounts.DisableSessionCache = true
	w.srv.settings.TTL = time.Nanosecond
	w.bench(b, "/admin", w.adminSID)
}

// BenchmarkMemberHomeNotKept: the member home read and rendered on every
// request (no kept body).
func BenchmarkMemberHomeNotKept(b *testing.B) {
	w := newWarmSite(b)
	w.srv.bodies.disabled = true
	w.bench(b, "/", w.memberSID)
}

// BenchmarkAdminDashboardNotKept: the dashboard read and rendered on every
// request (no kept body).
func BenchmarkAdminDashboardNotKept(b *testing.B) {
	w := newWarmSite(b)
	w.srv.bodies.disabled = true
	w.bench(b, "/admin", w.adminSID)
}
