// Package loadtest is the load harness shipped with the app, like pgbench
// with PostgreSQL: it builds (or reuses) a data directory of N
// organizations, starts the real server in process (the serve command
// itself) and a bare Fiber "hello" server beside it on loopback, drives
// them alternately with keep-alive clients using real Host headers
// (<slug>.localhost:<port>), and prints one table of the scale measures as
// ratios to the bare server, with latencies and the process's memory and
// descriptors. Goals are printed next to the figures, never asserted.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"sportsapp/app/tenant"
)

// The measures, by the names -only takes, in the table's order.
const (
	MeasureAnonymous = "anonymous" // anonymous org home page / bare hello
	MeasureMember    = "member"    // signed-in member's home page / bare
	MeasureAdmin     = "admin"     // org admin dashboard / bare
	MeasureOrgs      = "orgs"      // N orgs by -dist / the same on one org
	MeasureCold      = "cold"      // first request to a cold org minus a warm one
	MeasureIdle      = "idle"      // idle server: RSS, fds, CPU
	MeasureStartup   = "startup"   // serve's start to the first answered request
	MeasureFlood     = "flood"     // cookieless anonymous GET flood: RSS before and after
	MeasureWrites    = "writes"    // writes per second on one org and across orgs, replication's catch-up
)

// Measures lists every measure in the table's order.
var Measures = []string{MeasureAnonymous, MeasureMember, MeasureAdmin, MeasureOrgs, MeasureCold, MeasureIdle, MeasureStartup, MeasureFlood, MeasureWrites}

// Config is one load test.
type Config struct {
	Orgs        int           // organizations in the data set (the demo org and Orgs-1 light ones)
	Concurrency int           // client goroutines, each with its own keep-alive connection
	Duration    time.Duration // of each timed run
	Runs        int           // server starts; each runs every selected measure once
	Dist        Dist          // how measure 4 picks the org of each request
	Dir         string        // the harness's directory: data set, replica, server log
	Reuse       bool          // reuse the data set in Dir when it has Orgs orgs
	Only        []string      // the measures to run (empty: all)
	CPUProfile  string        // write a CPU profile of the app runs here
	MemProfile  string        // write a heap profile after the last app run here
	Idle        time.Duration // how long measure 6 watches the idle server
	Cold        int           // cold orgs sampled per server start (measure 5)
	SyncWait    time.Duration // wait at most this long after a start for every replica to be in sync
	LogLevel    string        // the server's log level (its log goes to Dir/server.log)

	// Serve runs the serve command with args until ctx ends, logging to
	// log: the harness measures the same wiring as production.
	Serve func(ctx context.Context, args []string, log io.Writer) error
	// OrgInit is the initial data of a new organization (what `org
	// create` gives it).
	OrgInit func(name string) (tenant.InitFunc, error)

	Out      io.Writer // the table
	Progress io.Writer // what the harness is doing
}

// check validates cfg and fills in defaults.
func (cfg *Config) check() error {
	switch {
	case cfg.Orgs < 1:
		return errors.New("-orgs must be at least 1")
	case cfg.Concurrency < 1:
		return errors.New("-concurrency must be at least 1")
	case cfg.Duration <= 0:
		return errors.New("-duration must be positive")
	case cfg.Runs < 1:
		return errors.New("-runs must be at least 1")
	case cfg.Dist != Uniform && cfg.Dist != Zipf:
		return fmt.Errorf("-dist %q: want %s or %s", cfg.Dist, Uniform, Zipf)
	case cfg.Dir == "":
		return errors.New("-data-dir is empty")
	case cfg.Serve == nil || cfg.OrgInit == nil:
		return errors.New("loadtest: Serve and OrgInit are required")
	}
	for _, m := range cfg.Only {
		if !slices.Contains(Measures, m) {
			return fmt.Errorf("-only: unknown measure %q (measures: %s)", m, strings.Join(Measures, ","))
		}
	}
	if cfg.Idle <= 0 {
		cfg.Idle = 10 * time.Second
	}
	if cfg.Cold <= 0 {
		cfg.Cold = 20
	}
	if cfg.LogLevel == "" {
		cfg.LogLevel = "info"
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	return nil
}

// wants reports whether measure m was asked for.
func (cfg *Config) wants(m string) bool { return len(cfg.Only) == 0 || slices.Contains(cfg.Only, m) }

// Run builds or reuses the data set, runs the measures and prints the
// table. A server that fails to start or a measure that fails is reported
// in the table; Run returns an error only when no table can be printed.
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	fmt.Fprintf(cfg.Progress, "data set: %d orgs in %s\n", cfg.Orgs, cfg.Dir)
	d, err := prepare(ctx, &cfg)
	if err != nil {
		return err
	}
	if d.reused {
		fmt.Fprintf(cfg.Progress, "  reused (built %s in %.0f s)\n", d.BuiltAt.Format(time.DateTime), d.BuildSeconds)
	} else {
		fmt.Fprintf(cfg.Progress, "  built in %.1f s\n", d.BuildSeconds)
	}
	if cfg.wants(MeasureWrites) && writeOrgs(&cfg) > 0 {
		fmt.Fprintf(cfg.Progress, "  a writer member in %s (once per data set)\n", count(writeOrgs(&cfg), "light org"))
		if err := ensureWriters(ctx, d, slugs(cfg.Orgs)[1:1+writeOrgs(&cfg)]); err != nil {
			return err
		}
	}
	runtime.GC()
	debug.FreeOSMemory() // the build's garbage is not the server's
	logf, err := os.Create(filepath.Join(cfg.Dir, serverLog))
	if err != nil {
		return err
	}
	defer logf.Close()
	bare, err := startBare()
	if err != nil {
		return err
	}
	defer bare.stop()
	h := &harness{
		cfg: &cfg, data: d, log: logf, slugs: slugs(cfg.Orgs),
		bare: newClient(bare.addr, cfg.Concurrency), bareHost: "bare.localhost",
		prof: &cpuProfiles{path: cfg.CPUProfile},
		res:  &results{before: sample(), loadBefore: loadAverage(), pairs: map[string]*pairs{}, notes: map[string][]string{}, writes: map[string][]writeSample{}},
	}
	defer h.bare.CloseIdleConnections()
	for r := range cfg.Runs {
		if ctx.Err() != nil {
			break
		}
		if err := h.run(ctx, r); err != nil {
			h.res.stopped = fmt.Sprintf("run %d of %d: %v", r+1, cfg.Runs, err)
			fmt.Fprintln(cfg.Progress, "  stopped:", err)
			break
		}
	}
	h.prof.stop()
	if err := h.prof.write(); err != nil {
		fmt.Fprintln(cfg.Progress, "cpu profile:", err)
	}
	printReport(cfg.Out, &cfg, d, h.res)
	return ctx.Err()
}

// harness is one invocation's state.
type harness struct {
	cfg      *Config
	data     *dataset
	log      io.Writer
	slugs    []string
	bare     *fasthttp.HostClient
	bareHost string
	prof     *cpuProfiles
	res      *results
}

// run starts the server once and runs every selected measure on it.
func (h *harness) run(ctx context.Context, r int) error {
	cfg := h.cfg
	fmt.Fprintf(cfg.Progress, "run %d/%d: starting the server\n", r+1, cfg.Runs)
	app, err := startApp(ctx, cfg, h.data, h.log)
	if err != nil {
		err = fmt.Errorf("%w (log: %s)", err, filepath.Join(cfg.Dir, serverLog))
		h.res.note(MeasureStartup, err.Error())
		return err
	}
	defer func() {
		if err := app.stop(); err != nil {
			h.res.note(MeasureStartup, "stop: "+err.Error())
		}
	}()
	h.res.starts = append(h.res.starts, startSample{took: app.startup, syncWait: app.syncWait, synced: app.synced, after: app.started})
	fmt.Fprintf(cfg.Progress, "  answering after %s; replicas in sync: %v after %s more\n", app.startup.Round(time.Millisecond), app.synced, app.syncWait.Round(time.Millisecond))

	if cfg.wants(MeasureCold) {
		h.cold(app, r)
	}
	demo := target{hosts: []string{app.host(demoSlug)}, paths: []string{"/"}, want: fasthttp.StatusOK}
	bare := target{hosts: []string{h.bareHost}, paths: []string{"/"}, want: fasthttp.StatusOK}
	warm := min(time.Second, cfg.Duration/4)
	drive(ctx, app.client, demo, cfg.Concurrency, warm)
	if r == 0 {
		drive(ctx, h.bare, bare, cfg.Concurrency, warm)
	}
	if cfg.wants(MeasureAnonymous) {
		h.pair(ctx, MeasureAnonymous, app.client, demo, h.bare, bare)
	}
	if cfg.wants(MeasureMember) {
		if cookie, err := signIn(ctx, app.port, demoSlug, h.data.Member, "/"); err != nil {
			h.res.note(MeasureMember, "sign-in: "+err.Error())
		} else {
			t := demo
			t.cookie = cookie
			h.pair(ctx, MeasureMember, app.client, t, h.bare, bare)
		}
	}
	if cfg.wants(MeasureAdmin) {
		if cookie, err := signIn(ctx, app.port, demoSlug, h.data.Admin, "/admin"); err != nil {
			h.res.note(MeasureAdmin, "sign-in: "+err.Error())
		} else {
			t := target{hosts: demo.hosts, paths: []string{"/admin"}, cookie: cookie, want: fasthttp.StatusOK}
			h.pair(ctx, MeasureAdmin, app.client, t, h.bare, bare)
		}
	}
	if cfg.wants(MeasureOrgs) {
		all := target{paths: []string{"/"}, dist: cfg.Dist, want: fasthttp.StatusOK}
		for _, s := range h.slugs {
			all.hosts = append(all.hosts, app.host(s))
		}
		h.pair(ctx, MeasureOrgs, app.client, all, app.client, demo)
	}
	if r == cfg.Runs-1 && cfg.MemProfile != "" {
		if err := writeHeapProfile(cfg.MemProfile); err != nil {
			fmt.Fprintln(cfg.Progress, "heap profile:", err)
		}
	}
	if cfg.wants(MeasureIdle) {
		h.idle(ctx)
	}
	if cfg.wants(MeasureFlood) {
		h.flood(ctx, app)
	}
	if cfg.wants(MeasureWrites) {
		h.writesRuns(ctx, app)
	}
	return ctx.Err()
}

// pair runs the measured target, then its base: the app then the bare
// server (or, for measure 4, N orgs then one org), so that over the runs
// the two alternate and share the machine's noise. Runs of the app are
// CPU-profiled when asked.
func (h *harness) pair(ctx context.Context, m string, c *fasthttp.HostClient, t target, bc *fasthttp.HostClient, bt target) {
	if err := h.prof.start(); err != nil {
		h.res.note(m, "cpu profile: "+err.Error())
	}
	a := drive(ctx, c, t, h.cfg.Concurrency, h.cfg.Duration)
	h.prof.stop()
	if m == MeasureOrgs { // its base is the app too
		_ = h.prof.start()
	}
	b := drive(ctx, bc, bt, h.cfg.Concurrency, h.cfg.Duration)
	h.prof.stop()
	p := h.res.pairs[m]
	if p == nil {
		p = &pairs{}
		h.res.pairs[m] = p
	}
	p.app, p.base = append(p.app, a), append(p.base, b)
	for _, x := range []runResult{a, b} {
		if x.Errors > 0 {
			h.res.note(m, fmt.Sprintf("%d errors, first: %s", x.Errors, x.FirstError))
		}
	}
	fmt.Fprintf(h.cfg.Progress, "  %-9s %8.0f req/s, base %8.0f req/s\n", m, a.RPS(), b.RPS())
}

// cold requests organizations the server has not opened since it started
// (the pool starts empty), each twice in a row: the first request opens
// the org's database, the second finds it open. The harness takes
// different orgs at each start where there are enough.
func (h *harness) cold(app *appServer, r int) {
	var picks []string
	if n := len(h.slugs) - 1; n == 0 {
		picks = []string{demoSlug} // one org: cold only before anything else asks for it
	} else {
		k := min(h.cfg.Cold, n)
		for i := range k {
			picks = append(picks, h.slugs[1+(r*k+i)%n])
		}
	}
	for _, s := range picks {
		first, st1, err1 := get(app.client, app.host(s), "/", "")
		second, st2, err2 := get(app.client, app.host(s), "/", "")
		if err := errors.Join(err1, err2); err != nil || st1 != fasthttp.StatusOK || st2 != fasthttp.StatusOK {
			h.res.note(MeasureCold, fmt.Sprintf("%s: status %d, %d, %v", s, st1, st2, err))
			continue
		}
		h.res.cold = append(h.res.cold, coldSample{cold: first, warm: second})
	}
}

// idle watches the server with no requests for cfg.Idle, after a short
// settle: the process's RSS, descriptors and CPU use. The heap is
// collected and returned to the system first, as the flood measure does:
// the harness's own garbage (the runs' latencies, its clients' buffers) is
// not the server's, and Go's scavenger would return it within minutes.
func (h *harness) idle(ctx context.Context) {
	fmt.Fprintf(h.cfg.Progress, "  idle for %s\n", h.cfg.Idle)
	if sleep(ctx, 2*time.Second) != nil {
		return
	}
	runtime.GC()
	debug.FreeOSMemory()
	s0, t0 := sample(), time.Now()
	if sleep(ctx, h.cfg.Idle) != nil {
		return
	}
	s1 := sample()
	h.res.idle = append(h.res.idle, idleSample{before: s0, after: s1, core: float64(s1.CPU-s0.CPU) / float64(time.Since(t0))})
}

// flood sends anonymous GETs without cookies (the home page and the
// sign-in page, which both hand out a CSRF cookie) and compares the RSS
// before and after, each after a collection that returns free memory to
// the system, so what remains is what the flood left behind.
func (h *harness) flood(ctx context.Context, app *appServer) {
	runtime.GC()
	debug.FreeOSMemory()
	before := sample()
	_ = h.prof.start()
	r := drive(ctx, app.client, target{hosts: []string{app.host(demoSlug)}, paths: []string{"/", "/login"}, want: fasthttp.StatusOK}, h.cfg.Concurrency, h.cfg.Duration)
	h.prof.stop()
	runtime.GC()
	debug.FreeOSMemory()
	h.res.floods = append(h.res.floods, floodSample{before: before, after: sample(), run: r})
	if r.Errors > 0 {
		h.res.note(MeasureFlood, fmt.Sprintf("%d errors, first: %s", r.Errors, r.FirstError))
	}
	f := h.res.floods[len(h.res.floods)-1]
	fmt.Fprintf(h.cfg.Progress, "  %-9s %8.0f req/s, RSS %s -> %s MB\n", MeasureFlood, r.RPS(), mb(f.before.RSS), mb(f.after.RSS))
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
