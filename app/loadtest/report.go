package loadtest

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// results are everything measured in one invocation.
type results struct {
	before     procSample // the process before any server started
	loadBefore string     // the machine's load average then
	stopped    string     // why the runs stopped early, if they did
	pairs      map[string]*pairs
	cold       []coldSample
	idle       []idleSample
	starts     []startSample
	floods     []floodSample
	writes     map[string][]writeSample // by writesOne, writesMany
	notes      map[string][]string      // problems, by measure
}

type pairs struct{ app, base []runResult }

type coldSample struct{ cold, warm time.Duration }

type idleSample struct {
	before, after procSample // at the start and the end of the watch
	core          float64    // CPU time / wall time: 1 is one core busy
}

type startSample struct {
	took, syncWait time.Duration
	synced         bool
	after          procSample
}

type floodSample struct {
	before, after procSample
	run           runResult
}

// note records a problem once per measure and text.
func (r *results) note(m, text string) {
	if !slices.Contains(r.notes[m], text) {
		r.notes[m] = append(r.notes[m], text)
	}
}

// row is one line of the table; empty cells print as "-".
type row struct {
	Measure, Goal, Result      string
	RPS, BaseRPS               string
	P50, P99, BaseP50, BaseP99 string
	RSS, FDs                   string
	Note                       string
}

var header = row{"measure", "goal", "result", "req/s", "base req/s", "p50 ms", "p99 ms", "base p50", "base p99", "RSS MB", "fds", "notes"}

// formatTable writes rows under the header, aligned in columns.
func formatTable(w io.Writer, rows []row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range append([]row{header}, rows...) {
		cells := []string{r.Measure, r.Goal, r.Result, r.RPS, r.BaseRPS, r.P50, r.P99, r.BaseP50, r.BaseP99, r.RSS, r.FDs, r.Note}
		for i, c := range cells {
			if c == "" {
				cells[i] = "-"
			}
		}
		fmt.Fprintln(tw, strings.TrimRight(strings.Join(cells, "\t"), " "))
	}
	return tw.Flush()
}

// rate formats requests per second with thousands separators: "12,345".
func rate(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	s := strconv.FormatInt(int64(math.Round(x)), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ms formats a duration in milliseconds with two decimals: "1.25".
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

// mb formats bytes as megabytes (MiB) with one decimal.
func mb(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) }

// ratio formats a ratio with two decimals.
func ratio(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// throughputRow summarizes the runs of a ratio measure: the median of the
// per-run ratios (each app run over the base run that followed it), the
// median req/s and latencies, and the largest RSS and fds after an app run.
func throughputRow(title, goal string, p *pairs) row {
	r := row{Measure: title, Goal: goal}
	if p == nil || len(p.app) == 0 {
		r.Result = "not measured"
		return r
	}
	var ratios, rps, brps []float64
	var p50, p99, bp50, bp99 []time.Duration
	var rss int64
	var fds int
	for i, a := range p.app {
		b := p.base[i]
		if b.RPS() > 0 {
			ratios = append(ratios, a.RPS()/b.RPS())
		}
		rps, brps = append(rps, a.RPS()), append(brps, b.RPS())
		p50, p99 = append(p50, a.P(50)), append(p99, a.P(99))
		bp50, bp99 = append(bp50, b.P(50)), append(bp99, b.P(99))
		rss, fds = max(rss, a.After.RSS), max(fds, a.After.FDs)
	}
	r.Result = ratio(median(ratios))
	r.RPS, r.BaseRPS = rate(median(rps)), rate(median(brps))
	r.P50, r.P99 = ms(medianDuration(p50)), ms(medianDuration(p99))
	r.BaseP50, r.BaseP99 = ms(medianDuration(bp50)), ms(medianDuration(bp99))
	r.RSS, r.FDs = mb(rss), strconv.Itoa(fds)
	var each []string
	for _, x := range ratios {
		each = append(each, ratio(x))
	}
	r.Note = "runs: " + strings.Join(each, " ")
	return r
}

// rows turns the results into the table's lines, for the measures asked.
func rows(cfg *Config, res *results) []row {
	var out []row
	add := func(m string, r row) {
		if !cfg.wants(m) {
			return
		}
		if n := res.notes[m]; len(n) > 0 {
			r.Note = strings.TrimPrefix(r.Note+"; "+strings.Join(n, "; "), "; ")
		}
		out = append(out, r)
	}
	add(MeasureAnonymous, throughputRow("1 anonymous home / bare", ">= 0.35", res.pairs[MeasureAnonymous]))
	add(MeasureMember, throughputRow("2 member home / bare", ">= 0.20", res.pairs[MeasureMember]))
	add(MeasureAdmin, throughputRow("3 admin dashboard / bare", ">= 0.10", res.pairs[MeasureAdmin]))
	add(MeasureOrgs, throughputRow(fmt.Sprintf("4 %s %s / one org", count(cfg.Orgs, "org"), cfg.Dist), ">= 0.50", res.pairs[MeasureOrgs]))

	cold := row{Measure: "5 cold org - warm (ms)", Goal: "p50 <= 0.5", Result: "not measured"}
	if len(res.cold) > 0 {
		var diff, c, w []time.Duration
		for _, s := range res.cold {
			diff, c, w = append(diff, s.cold-s.warm), append(c, s.cold), append(w, s.warm)
		}
		slices.Sort(diff)
		slices.Sort(c)
		slices.Sort(w)
		cold.Result = "p50 " + ms(percentile(diff, 50)) + ", p95 " + ms(percentile(diff, 95))
		cold.P50, cold.P99 = ms(percentile(c, 50)), ms(percentile(c, 99))
		cold.BaseP50, cold.BaseP99 = ms(percentile(w, 50)), ms(percentile(w, 99))
		cold.Note = fmt.Sprintf("%s, one request at a time; p50/p99: the cold requests, base: the warm ones", count(len(res.cold), "org"))
	}
	add(MeasureCold, cold)

	idle := row{Measure: "6 idle server", Goal: "<= 300 MB (1k orgs), <= 2%", Result: "not measured"}
	if n := len(res.idle); n > 0 {
		last := res.idle[n-1]
		var cores []string
		for _, s := range res.idle {
			cores = append(cores, fmt.Sprintf("%.1f%%", 100*s.core))
		}
		idle.Result = fmt.Sprintf("%.1f%% core", 100*last.core)
		idle.RSS, idle.FDs = mb(last.after.RSS), strconv.Itoa(last.after.FDs)
		idle.Note = fmt.Sprintf("%s watched after the load, last start shown (RSS %s MB, %d fds 2 s after the load; open orgs shrink after 30 s quiet); CPU by start: %s",
			cfg.Idle, mb(last.before.RSS), last.before.FDs, strings.Join(cores, " "))
	}
	add(MeasureIdle, idle)

	start := row{Measure: "7 start-up to first request", Goal: "<= 3 s (10k orgs)", Result: "not measured"}
	if n := len(res.starts); n > 0 {
		var took []time.Duration
		var each, sync []string
		for _, s := range res.starts {
			took = append(took, s.took)
			each = append(each, fmt.Sprintf("%.2f", s.took.Seconds()))
			if s.synced {
				sync = append(sync, fmt.Sprintf("%.1f", s.syncWait.Seconds()))
			} else {
				sync = append(sync, fmt.Sprintf(">%.0f", s.syncWait.Seconds()))
			}
		}
		first := res.starts[0].after
		start.Result = fmt.Sprintf("%.2f s", medianDuration(took).Seconds())
		start.RSS, start.FDs = mb(first.RSS), strconv.Itoa(first.FDs)
		start.Note = fmt.Sprintf("median of %d starts (s: %s); replicas in sync after (s): %s", n, strings.Join(each, " "), strings.Join(sync, " "))
	}
	if len(res.starts) == 0 && len(res.notes[MeasureStartup]) > 0 {
		start.Result = "failed"
	}
	add(MeasureStartup, start)

	flood := row{Measure: "8 cookieless GET flood, RSS", Goal: "flat", Result: "not measured"}
	if n := len(res.floods); n > 0 {
		var grew []string
		for _, f := range res.floods {
			grew = append(grew, fmt.Sprintf("%+.1f", float64(f.after.RSS-f.before.RSS)/(1<<20)))
		}
		f := res.floods[n-1]
		flood.Result = fmt.Sprintf("%+.1f MB", float64(f.after.RSS-f.before.RSS)/(1<<20))
		flood.RPS = rate(f.run.RPS())
		flood.P50, flood.P99 = ms(f.run.P(50)), ms(f.run.P(99))
		flood.RSS, flood.FDs = mb(f.after.RSS), strconv.Itoa(f.after.FDs)
		setCookie := 0.0
		if f.run.OK > 0 {
			setCookie = 100 * float64(f.run.SetCookie) / float64(f.run.OK)
		}
		flood.Note = fmt.Sprintf("RSS %s -> %s MB over %s requests (after GC; MB by start: %s); Set-Cookie on %.0f%%",
			mb(f.before.RSS), mb(f.after.RSS), rate(float64(f.run.OK)), strings.Join(grew, " "), setCookie)
	}
	add(MeasureFlood, flood)
	add(MeasureWrites, writesRow("9 writes, one org", res.writes[writesOne]))
	add(MeasureWrites, writesRow("10 writes, many orgs", res.writes[writesMany]))
	return out
}

// writesRow summarizes one writes measure: the median writes per second
// over the runs, the last run's latencies, and replication's catch-up.
func writesRow(title string, samples []writeSample) row {
	r := row{Measure: title, Goal: "reported", Result: "not measured"}
	if len(samples) == 0 {
		return r
	}
	var rates []float64
	var catch []string
	for _, s := range samples {
		rates = append(rates, s.run.RPS())
		if s.synced {
			catch = append(catch, fmt.Sprintf("%.1f", s.catchUp.Seconds()))
		} else {
			catch = append(catch, fmt.Sprintf(">%.0f", s.catchUp.Seconds()))
		}
	}
	last := samples[len(samples)-1]
	r.Result = rate(median(rates)) + " writes/s"
	r.RPS = rate(last.run.RPS())
	r.P50, r.P99 = ms(last.run.P(50)), ms(last.run.P(99))
	r.RSS, r.FDs = mb(last.run.After.RSS), strconv.Itoa(last.run.After.FDs)
	r.Note = fmt.Sprintf("POST /profile on %s; every replica in sync this long after the run (s, by start; > not within -sync-wait): %s",
		count(last.orgs, "org"), strings.Join(catch, " "))
	return r
}

// printReport writes the header that says what was measured, the table
// and how to read it.
func printReport(w io.Writer, cfg *Config, d *dataset, res *results) {
	fmt.Fprintf(w, "sportsapp loadtest, %s, %s %s/%s, %d CPUs (GOMAXPROCS %d)\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	how := "built"
	if d.reused {
		how = "reused"
	}
	fmt.Fprintf(w, "data: %s in %s (%s; build took %.0f s): %s with demo data (%d members, teams, events; a demo member and an invited admin sign in through POST /login), and %s (settings and one membership type, as `org create` makes them)\n",
		count(cfg.Orgs, "org"), d.dir, how, d.BuildSeconds, d.DemoOrg, d.DemoMembers, count(cfg.Orgs-1, "light org"))
	fmt.Fprintf(w, "server: the serve command in this process, replicating to a local directory, log level %s to %s; SPORTSAPP_* from the environment: %s\n",
		cfg.LogLevel, serverLog, envSettings())
	fmt.Fprintf(w, "load: %d keep-alive clients, %s of %s per measure (a server start per run), app and base runs alternating; measure 4 picks orgs %s; bare = Fiber \"hello\" in the same process\n",
		cfg.Concurrency, count(cfg.Runs, "run"), cfg.Duration, cfg.Dist)
	fmt.Fprintf(w, "process before the server started (harness, bare server): RSS %s MB, %d fds; machine load average (1 min) at the start %s, at the end %s\n\n",
		mb(res.before.RSS), res.before.FDs, res.loadBefore, loadAverage())
	_ = formatTable(w, rows(cfg, res))
	if res.stopped != "" {
		fmt.Fprintf(w, "\nSTOPPED at %s\n", res.stopped)
	}
	fmt.Fprintln(w, "\nresult of 1-4: median over runs of app req/s / base req/s (base: bare hello; for 4, one org); req/s and latencies: medians over runs;")
	fmt.Fprintln(w, "RSS and fds: the whole process, largest after an app run. Goals are the issue's targets, reported, never asserted.")
}

// count formats n things: "1 org", "1,000 orgs".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return rate(float64(n)) + " " + thing + "s"
}

// envSettings lists the SPORTSAPP_* variables that change the server's
// defaults (the harness passes its own addresses, directories, base domain
// and log settings as flags, which win).
func envSettings() string {
	overridden := []string{"ADDR", "DATA_DIR", "BASE_DOMAIN", "PUBLIC_URL", "SMTP_URL", "REPLICA_URL", "LOG_FORMAT", "LOG_LEVEL"}
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(strings.TrimPrefix(kv, "SPORTSAPP_"), "=")
		if strings.HasPrefix(kv, "SPORTSAPP_") && !slices.Contains(overridden, name) {
			out = append(out, kv)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}
