package loadtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"

	"sportsapp/app/account"
	"sportsapp/app/mail"
	"sportsapp/app/tenant"
)

// The writes measures (9 and 10): how many writes per second one
// organization takes (its single writer) and how many the machine takes
// across organizations, and how fast replication ships them. A write is a
// member saving their name (POST /profile: session, CSRF, one UPDATE in a
// write transaction, a 303), the smallest form a person submits, on the
// demo organization as its demo member, and across orgs as a member of
// each of the first light organizations (the harness adds one to each, the
// way a person joins: an invitation accepted with a password, before the
// server starts). After each run the harness waits until every replica is
// in sync again and reports how long that took: replication keeps up with
// that load when it is about the sync interval or less. (The replica's
// size says little: Litestream compacts what it shipped.)

// writerEmail and writerPassword are the member the harness adds to a
// light organization for the writes measure.
const (
	writerEmail    = "loadtest-writer@example.org"
	writerName     = "Load Test Writer"
	writerPassword = "loadtest writer password"
)

// writeOrgs is how many organizations measure 10 writes to: one per
// client, at most the light organizations there are.
func writeOrgs(cfg *Config) int { return min(cfg.Concurrency, cfg.Orgs-1) }

// ensureWriters gives each light organization in slugs its writer member,
// if it has none yet (a reused data set keeps them). The server must not
// be running: the files are opened here.
func ensureWriters(ctx context.Context, d *dataset, slugs []string) error {
	db, err := tenant.OpenPlatform(ctx, d.dataDir())
	if err != nil {
		return err
	}
	defer db.Close()
	reg := tenant.NewRegistry(db, d.dataDir())
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool := tenant.NewPool(reg, tenant.PoolOptions{MaxOpen: 1, IdleTimeout: -1, Logger: quiet})
	defer pool.Close()
	accounts := &account.Service{Mail: mail.LogSender{Log: quiet}, Links: tenant.Links{Scheme: "http", BaseDomain: "localhost"}, Log: quiet}
	for _, slug := range slugs {
		org, err := reg.BySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("%s: %w", slug, err)
		}
		if err := ensureWriter(ctx, pool, accounts, org); err != nil {
			return fmt.Errorf("writer member of %s: %w", slug, err)
		}
	}
	return nil
}

func ensureWriter(ctx context.Context, pool *tenant.Pool, accounts *account.Service, org tenant.Org) error {
	h, err := pool.Acquire(ctx, org)
	if err != nil {
		return err
	}
	defer h.Release()
	sc := tenant.NewScope(h)
	if _, err := sc.Q().UserByEmail(ctx, writerEmail); err == nil {
		return nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	_, link, err := accounts.Invite(ctx, sc, account.Actor{Label: "loadtest"}, writerEmail, writerName, account.RoleMember)
	if err != nil {
		return err
	}
	u, err := url.Parse(link)
	if err != nil {
		return err
	}
	_, err = accounts.AcceptInvitation(ctx, sc, u.Query().Get("token"), writerName, writerPassword, account.Client{IP: "127.0.0.1", UserAgent: "loadtest"})
	return err
}

// writer is a signed-in member ready to post: their org's host, the
// session cookie and the CSRF token of their profile page.
type writer struct {
	host, cookie, csrf string
}

// signInWriter signs in who on slug and reads the CSRF token of the
// profile form.
func signInWriter(ctx context.Context, app *appServer, slug string, who credentials) (writer, error) {
	cookie, err := signIn(ctx, app.port, slug, who, "/profile")
	if err != nil {
		return writer{}, err
	}
	base := "http://" + slug + ".localhost:" + app.port
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{DialContext: dialLoopback(app.port)}
	defer tr.CloseIdleConnections()
	c := &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/profile", nil)
	if err != nil {
		return writer{}, err
	}
	req.Header.Set("Cookie", cookie)
	res, err := c.Do(req)
	if err != nil {
		return writer{}, err
	}
	defer res.Body.Close()
	doc, err := documentOf(res.Body)
	if err != nil {
		return writer{}, err
	}
	token, ok := doc.Find(`form[action="/profile"] input[name="_csrf"]`).Attr("value")
	if !ok || token == "" {
		return writer{}, fmt.Errorf("GET %s/profile: no CSRF token in the name form", base)
	}
	return writer{host: app.host(slug), cookie: cookie, csrf: token}, nil
}

// writeSample is one writes run and replication's catch-up after it.
type writeSample struct {
	orgs    int
	run     runResult
	synced  bool
	catchUp time.Duration // from the end of the run until every replica was in sync
	replica int64         // bytes the replica grew by, run and catch-up
}

// writes runs one writes measure: clients post their name change, each
// through writers[client % len(writers)], for cfg.Duration.
func (h *harness) writes(ctx context.Context, app *appServer, m string, writers []writer) {
	start := time.Now()
	r := post(ctx, app.client, writers, h.cfg.Concurrency, h.cfg.Duration)
	synced, wait := waitInSync(ctx, h.data.dataDir(), h.cfg.SyncWait)
	s := writeSample{orgs: len(writers), run: r, synced: synced, catchUp: wait}
	h.res.writes[m] = append(h.res.writes[m], s)
	if r.Errors > 0 {
		h.res.note(MeasureWrites, fmt.Sprintf("%s: %d errors, first: %s", m, r.Errors, r.FirstError))
	}
	fmt.Fprintf(h.cfg.Progress, "  %-9s %8.0f writes/s on %s; replicas in sync %s after the run (%s since its start)\n",
		m, r.RPS(), count(len(writers), "org"), wait.Round(10*time.Millisecond), time.Since(start).Round(10*time.Millisecond))
}

// post drives writers like drive drives a target: each client posts the
// name form of its writer, the name changing with every request so each
// is a real change.
func post(ctx context.Context, c *fasthttp.HostClient, writers []writer, concurrency int, d time.Duration) runResult {
	return driveWith(ctx, c, concurrency, d, fasthttp.StatusSeeOther, func(w int) func(int, *fasthttp.Request) {
		wr := writers[w%len(writers)]
		return func(i int, req *fasthttp.Request) {
			req.Header.SetMethod(fasthttp.MethodPost)
			req.SetRequestURI("/profile")
			req.SetHost(wr.host)
			req.Header.Set(fasthttp.HeaderCookie, wr.cookie)
			req.Header.Set(fasthttp.HeaderOrigin, "http://"+wr.host)
			req.Header.SetContentType("application/x-www-form-urlencoded")
			req.SetBodyString(url.Values{"_csrf": {wr.csrf}, "name": {fmt.Sprintf("Load Test Writer %d", i%100)}}.Encode())
		}
	})
}

// writeSlugs are the organizations measure 10 writes to.
func (h *harness) writeSlugs() []string {
	return h.slugs[1 : 1+writeOrgs(h.cfg)]
}

// The two writes measures' keys in results.writes.
const (
	writesOne  = "writes, one org"
	writesMany = "writes, many orgs"
)

// writesRuns signs the writers in and runs both writes measures.
func (h *harness) writesRuns(ctx context.Context, app *appServer) {
	one, err := signInWriter(ctx, app, demoSlug, h.data.Member)
	if err != nil {
		h.res.note(MeasureWrites, "sign-in: "+err.Error())
		return
	}
	h.writes(ctx, app, writesOne, []writer{one})
	if writeOrgs(h.cfg) < 1 {
		return
	}
	var many []writer
	for _, slug := range h.writeSlugs() {
		w, err := signInWriter(ctx, app, slug, credentials{Email: writerEmail, Password: writerPassword})
		if err != nil {
			h.res.note(MeasureWrites, "sign-in: "+err.Error())
			return
		}
		many = append(many, w)
	}
	h.writes(ctx, app, writesMany, many)
}
