package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"sportsapp/app/analytics"
	"sportsapp/app/tenant"
)

// cmdAnalytics: sportsapp analytics collect [--org S | --all] [--parallel N].
//
// The server keeps the roll-ups up to date by itself (docs/analytics.md);
// this command recomputes them on demand: one organization (--org), every
// one (--all: a full recompute, e.g. after changing what is collected), or
// by default those whose file changed since their last collection. It
// reads each organization through a pool of its own (read-only queries,
// safe next to a running server) and writes only the platform database,
// which reaches the replica like any other CLI write (see writes).
func cmdAnalytics(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "collect" {
		fmt.Fprintln(stderr, "usage: sportsapp analytics collect [--org S | --all] [--parallel N]")
		return errUsage
	}
	var cfg config
	fs := flag.NewFlagSet("analytics collect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	all := fs.Bool("all", false, "recompute every organization")
	slug := fs.String("org", "", "recompute only this organization")
	parallel := fs.Int("parallel", 2, "organizations read at once")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *all && *slug != "" {
		fmt.Fprintln(stderr, "pass --all or --org, not both")
		return errUsage
	}
	if *parallel < 1 {
		fmt.Fprintln(stderr, "--parallel must be at least 1")
		return errUsage
	}
	a, err := open(ctx, &cfg, stderr, false)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.writes(ctx); err != nil { // the platform database reaches the replica
		return err
	}
	pool := tenant.NewPool(a.reg, tenant.PoolOptions{MaxOpen: *parallel, IdleTimeout: -1, Readers: 1, Logger: a.log})
	defer pool.Close()
	col := &analytics.Collector{Platform: a.db, Registry: a.reg, Pool: pool, Parallel: *parallel, Log: a.log}
	start := time.Now()
	if !*all && *slug == "" {
		n, err := col.CollectChanged(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "collected %d changed organizations in %s\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	}
	var orgs []tenant.Org
	if *slug != "" {
		o, err := a.reg.BySlug(ctx, *slug)
		if err != nil {
			return err
		}
		orgs = []tenant.Org{o}
	} else if orgs, err = a.reg.List(ctx); err != nil {
		return err
	}
	err = col.CollectAll(ctx, orgs, func(done int, o tenant.Org) {
		fmt.Fprintf(stdout, "%d/%d %s\n", done, len(orgs), o.Slug)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "collected %d organizations in %s\n", len(orgs), time.Since(start).Round(time.Millisecond))
	return nil
}
