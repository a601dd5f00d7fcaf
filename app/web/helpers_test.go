package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sportsapp/app/account"
	"sportsapp/app/domain"
	"sportsapp/app/event"
	"sportsapp/app/internal/dnstest"
	"sportsapp/app/mail"
	"sportsapp/app/membership"
	"sportsapp/app/metrics"
	"sportsapp/app/onboarding"
	"sportsapp/app/settings"
	"sportsapp/app/superadmin"
	"sportsapp/app/tenant"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is a complete application on real files in a temp dir.
type env struct {
	t        testing.TB
	srv      *Server
	reg      *tenant.Registry
	pool     *tenant.Pool
	accounts *account.Service
	domains  *domain.Service
	dns      *dnstest.Server // the DNS server domains are checked against
	dir      string
	port     string
}

// envOptions tune a test environment.
type envOptions struct {
	tenant.PoolOptions
	Mail           mail.Sender // default: log only
	LoginAttempts  int
	TrustedProxies []string
	Metrics        *metrics.Metrics // default: none
	Log            *slog.Logger     // the server's log; default: discarded
}

func newEnv(t testing.TB, pool tenant.PoolOptions) *env {
	t.Helper()
	return newEnvWith(t, envOptions{PoolOptions: pool})
}

func newEnvWith(t testing.TB, opt envOptions) *env {
	t.Helper()
	dir := t.TempDir()
	db, err := tenant.OpenPlatform(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := tenant.NewRegistry(db, dir)
	opt.Logger = quiet
	pool := tenant.NewPool(reg, opt.PoolOptions)
	t.Cleanup(func() { pool.Close() })
	accounts := &account.Service{Mail: mail.LogSender{Log: quiet}, Links: tenant.Links{Scheme: "http", BaseDomain: "localhost"}, Log: quiet}
	if opt.Mail != nil {
		accounts.Mail = opt.Mail
	}
	onb := &onboarding.Service{Registry: reg, Accounts: accounts, Log: quiet}
	sets := &settings.Service{}
	dns := dnstest.Start(t)
	domains := &domain.Service{DB: db, Registry: reg, Base: "localhost", Checker: domain.NewChecker(dns.Addr, time.Second)}
	domains.Table = domains.NewTable()
	if err := domains.Table.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	accounts.Links.Primary = domains.Table.PrimaryBySlug
	log := quiet
	if opt.Log != nil {
		log = opt.Log
	}
	srv, err := New(Deps{
		Domains:    domains,
		Onboarding: onb, Memberships: &membership.Service{Settings: sets}, Events: &event.Service{Settings: sets},
		Registry: reg, Resolver: tenant.NewResolver("localhost", reg, 0), Pool: pool, Logger: log,
		Accounts: accounts, Super: &superadmin.Service{DB: db}, Settings: sets,
		LoginAttempts: opt.LoginAttempts, MailConfigured: opt.Mail != nil, TrustedProxies: opt.TrustedProxies,
		Metrics: opt.Metrics, KeepPages: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, reg: reg, pool: pool, accounts: accounts, domains: domains, dns: dns, dir: dir}
}

func (e *env) org(slug, name string) tenant.Org {
	e.t.Helper()
	o, err := e.reg.Create(context.Background(), slug, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// do sends a request through the Fiber app and returns the response.
func (e *env) do(req *http.Request) *http.Response {
	e.t.Helper()
	res, err := e.srv.App().Test(req, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// get requests path on host.
func (e *env) get(host, path string, hdr ...string) *http.Response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.do(req)
}

// listen serves the app on a loopback port and returns its base port.
func (e *env) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go e.srv.Serve(ln)
	e.t.Cleanup(func() { e.srv.Shutdown(context.Background()) })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func doc(t testing.TB, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func body(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dbFiles lists the database files under dir (the WAL and shared-memory
// files that opening a database adds are not new databases).
func dbFiles(t testing.TB, dir string) string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".db") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return strings.Join(out, "\n")
}
