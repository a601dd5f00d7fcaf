package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sportsapp/app/loadtest"
)

// cmdLoadtest: sportsapp loadtest. The harness runs the serve command
// itself (cmdServe) in this process, so what it measures is the server as
// deployed; see app/loadtest.
func cmdLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := loadtest.Config{Serve: cmdServe, OrgInit: orgDefaults, Out: stdout, Progress: stderr}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.Orgs, "orgs", 1000, "organizations in the data set: Quadball Canada with demo data, the others light")
	fs.IntVar(&cfg.Concurrency, "concurrency", 32, "concurrent keep-alive clients")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "length of each timed run")
	fs.IntVar(&cfg.Runs, "runs", 3, "server starts; each runs every measure once, app and base alternating")
	dist := fs.String("dist", string(loadtest.Uniform), "how measure 4 picks each request's org: uniform or zipf")
	fs.StringVar(&cfg.Dir, "data-dir", "", "the harness's directory (data set, replica, server.log; default <user cache>/sportsapp-loadtest/<orgs>-orgs)")
	fs.BoolVar(&cfg.Reuse, "reuse", false, "reuse the data set in -data-dir if it was built for -orgs organizations")
	only := fs.String("only", "", "comma-separated measures to run (default all): "+strings.Join(loadtest.Measures, ","))
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the app runs to this file")
	fs.StringVar(&cfg.MemProfile, "memprofile", "", "write a heap profile after the last app run to this file")
	fs.DurationVar(&cfg.Idle, "idle", 40*time.Second, "how long measure 6 watches the idle server (the pool shrinks an org's memory after 30 s quiet)")
	fs.IntVar(&cfg.Cold, "cold", 20, "cold organizations requested per server start (measure 5)")
	fs.DurationVar(&cfg.SyncWait, "sync-wait", 3*time.Minute, "after each start, wait at most this long for every replica to be in sync")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "the server's log level (its log goes to <data-dir>/server.log)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg.Dist = loadtest.Dist(*dist)
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	if cfg.Dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("no -data-dir and no cache directory: %w", err)
		}
		cfg.Dir = filepath.Join(cache, "sportsapp-loadtest", fmt.Sprintf("%d-orgs", cfg.Orgs))
	}
	return loadtest.Run(ctx, cfg)
}
