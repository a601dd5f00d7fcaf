package web

import (
	"github.com/gofiber/fiber/v2"

	"sportsapp/app/tenant"
)

// access says who may use a route. The authorization checks and the route
// matrix test are both driven by it.
type access int

const (
	public access = iota // anyone, signed in or not
)

func (a access) String() string {
	switch a {
	case public:
		return "public"
	}
	return "unknown"
}

// route is one row of the route table.
type route struct {
	method string
	path   string
	host   tenant.HostKind // which host serves it: an org's or the platform's
	access access
	handle fiber.Handler
}

// routes is the route table: every page and action the application serves,
// on which host, and to whom. Read it top to bottom.
func (s *Server) routes() []route {
	return []route{
		// Organization host: <slug>.<base>
		{fiber.MethodGet, "/", tenant.HostOrg, public, s.handleOrgHome},

		// Platform host: admin.<base>
		{fiber.MethodGet, "/", tenant.HostPlatform, public, s.handlePlatformHome},
	}
}

// mount registers the route table. Routes for the same method and path on
// both hosts share one Fiber route that dispatches on the resolved host; a
// path that exists only on the other kind of host is a 404.
func (s *Server) mount(table []route) {
	type key struct{ method, path string }
	handlers := map[key]map[tenant.HostKind]fiber.Handler{}
	var order []key
	for _, r := range table {
		k := key{r.method, r.path}
		if handlers[k] == nil {
			handlers[k] = map[tenant.HostKind]fiber.Handler{}
			order = append(order, k)
		}
		handlers[k][r.host] = r.handle
	}
	for _, k := range order {
		byHost := handlers[k]
		dispatch := func(c *fiber.Ctx) error {
			t, _ := targetOf(c)
			h, ok := byHost[t.Kind]
			if !ok {
				return fiber.ErrNotFound
			}
			return h(c)
		}
		if k.method == fiber.MethodGet {
			s.app.Get(k.path, dispatch) // also answers HEAD
		} else {
			s.app.Add(k.method, k.path, dispatch)
		}
	}
}
