// Package web is the HTTP side of the application: the route table, the
// middleware that resolves a request's Host to an organization, the single
// error path, and the handlers that render server-side HTML with htmx.
package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/template/html/v2"

	"sportsapp/app/account"
	"sportsapp/app/analytics"
	"sportsapp/app/auth"
	"sportsapp/app/domain"
	"sportsapp/app/event"
	"sportsapp/app/membership"
	"sportsapp/app/metrics"
	"sportsapp/app/onboarding"
	"sportsapp/app/settings"
	"sportsapp/app/superadmin"
	"sportsapp/app/tenant"
	"sportsapp/static"
)

// Server serves every organization's host and the platform host.
type Server struct {
	app            *fiber.App
	log            *slog.Logger
	reg            *tenant.Registry
	resolver       *tenant.Resolver
	pool           *tenant.Pool
	accounts       *account.Service
	super          *superadmin.Service
	settings       *settings.Service
	onboarding     *onboarding.Service
	memberships    *membership.Service
	events         *event.Service
	domains        *domain.Service // custom domains; nil: none
	views          *html.Engine
	assets         assetSet // the layout's static files
	secure         bool
	mailConfigured bool
	limitMax       int
	trusted        []netip.Prefix // trusted proxies (clientAddr)
	csrfKey        []byte         // signs CSRF tokens
	limits         *boundedStore  // the rate limiter's per-client counters
	signins        *auth.Throttle // failed sign-ins per account
	metrics        *metrics.Metrics
	pages          pageCache // anonymous public pages (pagecache.go)
	bodies         pageCache // signed-in pages' kept bodies (pagecache.go)
	analytics      *analytics.Reader
	now            func() time.Time
}

// Deps are what the server needs from the rest of the application.
type Deps struct {
	Registry    *tenant.Registry
	Resolver    *tenant.Resolver
	Pool        *tenant.Pool
	Accounts    *account.Service
	Super       *superadmin.Service
	Settings    *settings.Service
	Onboarding  *onboarding.Service
	Memberships *membership.Service
	Events      *event.Service
	Logger      *slog.Logger
	// Secure marks cookies Secure (and __Host-) because users reach the app
	// over HTTPS (through a TLS proxy).
	Secure bool
	// MailConfigured is false when mail only goes to the log; the admin
	// screens then show invitation links once so they can be passed on.
	MailConfigured bool
	// LoginAttempts is how many sign-in, sign-up and reset requests one
	// client address may make per organization, route and minute (default
	// 10). Sign-ins are also limited per account, from any address.
	LoginAttempts int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// CSRFKey signs the CSRF tokens (auth.KeySize secret bytes; serve
	// reads them from <data-dir>/csrf.key). Nil: a random key for this
	// process only, so forms left open across a restart are refused once.
	CSRFKey []byte
	// TrustedProxies are the addresses (IPs or CIDRs) of the TLS proxy in
	// front of the app. Only their X-Forwarded-For, -Proto and -Host are
	// believed, so the client address (rate limits, audit), the scheme
	// (links, Origin checks) and the organization cannot be forged by
	// clients.
	TrustedProxies []string
	// Domains, if set, serves organizations' verified custom domains
	// (routing, /admin/domains, the TLS ask endpoint); its Table must be
	// loaded.
	Domains *domain.Service
	// Analytics reads the analytics roll-ups (default: from the platform
	// database of Super).
	Analytics *analytics.Reader
	// Metrics, if set, records every request (by route pattern) and feeds
	// the console's system page; nil serves without instrumentation.
	Metrics *metrics.Metrics
	// KeepPages keeps the bodies of the costly signed-in pages (the admin
	// dashboard, a member's home) until the organization's database
	// changes (pagecache.go); false renders them for every request.
	KeepPages bool
}

// New builds the server, its middleware and its routes.
func New(d Deps) (*Server, error) {
	assets, err := assetURLs()
	if err != nil {
		return nil, err
	}
	engine, err := newEngine(assets)
	if err != nil {
		return nil, err
	}
	shellAssets, err := assetSetOf(assets)
	if err != nil {
		return nil, err
	}
	s := &Server{
		log: d.Logger, reg: d.Registry, resolver: d.Resolver, pool: d.Pool,
		accounts: d.Accounts, super: d.Super, settings: d.Settings, onboarding: d.Onboarding, memberships: d.Memberships, events: d.Events, views: engine, assets: shellAssets,
		secure: d.Secure, mailConfigured: d.MailConfigured, limitMax: d.LoginAttempts, now: d.Now,
		trusted: trustedNets(d.TrustedProxies),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.limitMax <= 0 {
		s.limitMax = 10
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.metrics = d.Metrics
	s.bodies.disabled = !d.KeepPages
	s.bodies.max = keptBodiesMax
	s.analytics = d.Analytics
	if s.analytics == nil && d.Super != nil {
		s.analytics = &analytics.Reader{Platform: d.Super.DB, Registry: d.Registry}
	}
	s.domains = d.Domains
	if s.domains != nil && s.domains.Table != nil {
		s.resolver.SetDomains(s.domains.Table)
	}
	s.limits = newBoundedStore(limiterKeys)
	s.csrfKey = d.CSRFKey
	if len(s.csrfKey) == 0 {
		s.csrfKey = make([]byte, auth.KeySize)
		if _, err := rand.Read(s.csrfKey); err != nil {
			return nil, err
		}
	}
	s.signins = auth.NewThrottle(signInAttempts, signInWindow, signInLockout, signInKeys, s.now)
	s.app = fiber.New(fiber.Config{
		// Immutable: Fiber's strings (Host, headers, form values) otherwise
		// point into buffers reused by the next request. A Host kept as a
		// cache key then silently changed into another organization's name
		// and served it (caught by TestScopeReachesOnlyItsOwnFile). Copies
		// cost a few allocations per request; isolation is not negotiable.
		Immutable: true,
		// Always on: without it Fiber believes X-Forwarded-Host, -Proto and
		// -For from anyone, so a client could pick the organization, the
		// scheme of links and its own address. With it, they are believed
		// only from TrustedProxies (none when that is empty).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          d.TrustedProxies,
		ProxyHeader:             proxyHeader(d.TrustedProxies),
		DisableStartupMessage:   true,
		ErrorHandler:            s.handleError,
		ReadTimeout:             15 * time.Second,
		WriteTimeout:            30 * time.Second,
		IdleTimeout:             60 * time.Second,
		BodyLimit:               1 << 20,
		ReadBufferSize:          8192,
	})
	s.app.Use(recover.New())
	s.app.Use(requestid.New(requestid.Config{ContextKey: localRequestID}))
	if s.metrics != nil {
		s.app.Use(s.observe) // outside logRequests: sees the final status
	}
	s.app.Use(s.logRequests)
	// A panic becomes an error here, inside logRequests and observe, so the
	// request is logged, counted as a 5xx and answered with the error page
	// like any other failure. (The recover above only guards the
	// middleware before this one.)
	s.app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	s.app.Use(securityHeaders)
	s.app.Get("/tls/ask", s.handleTLSAsk) // any Host, before it is resolved (domains.go)
	// Static files on any Host, before it is resolved: they are the same
	// for every organization, and the error page of an unknown or
	// suspended host needs its stylesheet too (the CSP allows only this
	// origin's, so it cannot be inlined).
	s.app.Use("/static", filesystem.New(filesystem.Config{
		Root:   http.FS(static.FS),
		MaxAge: 365 * 24 * 60 * 60, // URLs carry a content hash
	}))
	s.app.Use(s.resolveHost)
	s.app.Use(s.orgScope)
	s.app.Use(sameOrigin)
	s.app.Use(s.loadSession)
	s.app.Use(s.csrfProtection) // after loadSession: tokens are bound to the session
	s.mount(s.routes())
	return s, nil
}

// App returns the Fiber app (tests drive it with app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves HTTP on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Serve serves HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for requests under way.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// hostURL returns the origin of the given subdomain of the base domain, with
// the scheme and port of the current request, e.g. http://admin.localhost:8080.
func (s *Server) hostURL(c *fiber.Ctx, sub string) string {
	host := sub + "." + s.resolver.BaseDomain()
	if _, port, err := net.SplitHostPort(c.Hostname()); err == nil && port != "" {
		host = net.JoinHostPort(host, port)
	}
	return scheme(c) + "://" + strings.TrimSuffix(host, ".")
}

// scheme returns the request's scheme, "https" or "http" and nothing else:
// Fiber's Protocol repeats whatever a trusted proxy's X-Forwarded-Proto
// says, and a link must never become "javascript://...".
func scheme(c *fiber.Ctx) string {
	if strings.EqualFold(c.Protocol(), "https") {
		return "https"
	}
	return "http"
}

// timeNow is the wall clock for defaults shown in forms.
var timeNow = time.Now

// proxyHeader is the header that carries the client's address when a
// trusted proxy is configured, and none otherwise.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
