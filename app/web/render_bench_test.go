package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"testing"
	"time"

	"sportsapp/app/db/orgdb"
	"sportsapp/app/membership"
	"sportsapp/app/onboarding"
	"sportsapp/app/team"
	"sportsapp/app/tenant"
)

// Views filled like the demo organization's pages, for the rendering
// benchmarks.
var (
	benchHomeView = func() orgHomeView {
		v := orgHomeView{page: signedIn, Org: tenant.Org{Name: "Quadball Canada", Slug: "quadball-canada"}, SeasonName: "2026-2027 season",
			Membership: &membership.Membership{TypeName: "Adult player", SeasonName: "2026-2027 season", Status: "active", End: "2027-08-31", PriceCents: 5000, Currency: "CAD"}}
		for i := range 3 {
			v.Registrations = append(v.Registrations, homeEvent{EventName: fmt.Sprint("Spring Classic ", i), StartsOn: "2027-02-27", Status: "confirmed"})
			v.Upcoming = append(v.Upcoming, homeEvent{EventName: fmt.Sprint("Winter Open ", i), StartsOn: "2027-01-23"})
		}
		v.Teams = []team.Place{{Team: team.Team{Name: "Toronto Raccoons", Slug: "toronto-raccoons"}, Role: "player", Status: "active"}}
		return v
	}()
	benchDashboardView = func() adminDashboardView {
		v := adminDashboardView{page: signedIn, Members: 301, Admins: 1, Pending: 2, ActiveMembers: 240, PendingPayments: 40, Teams: 12,
			Checklist: (&onboarding.Service{}).ChecklistOf(tenant.Org{}, onboarding.Facts{Admins: 1})}
		for i := range 5 {
			e := sampleEvent
			e.Name = fmt.Sprint("Fall Social ", i)
			v.Upcoming = append(v.Upcoming, e)
		}
		for i := range 10 {
			v.Recent = append(v.Recent, recentRegistration{MemberName: fmt.Sprint("Alex Tremblay ", i), EventName: "Fall Social", Status: "pending"})
			v.Audit = append(v.Audit, orgdb.AuditLog{At: time.Now(), Actor: "admin@example.org", Action: "invitation.create", Subject: fmt.Sprintf("invitee-%d@example.org", i), Detail: "role member"})
		}
		return v
	}()
)

// BenchmarkRender renders the signed-in member's home and the admin
// dashboard into their layout, without HTTP or a database.
func BenchmarkRender(b *testing.B) {
	e := newEnv(b, tenant.PoolOptions{})
	for _, tt := range []struct {
		name string
		view any
	}{{"home/org", benchHomeView}, {"admin/dashboard", benchDashboardView}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				buf := getBuffer()
				if err := e.srv.renderHTML(buf, tt.name, tt.view); err != nil {
					b.Fatal(err)
				}
				putBuffer(buf)
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkRenderResponse is BenchmarkRender through render: the pooled
// buffers and the copy into the response.
func BenchmarkRenderResponse(b *testing.B) {
	e := newEnv(b, tenant.PoolOptions{})
	app := fiber.New()
	for b.Loop() {
		var fctx fasthttp.RequestCtx
		c := app.AcquireCtx(&fctx)
		if err := e.srv.render(c, 200, "admin/dashboard", benchDashboardView); err != nil {
			b.Fatal(err)
		}
		app.ReleaseCtx(c)
	}
}
