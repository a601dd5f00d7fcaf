package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sportsapp/app/metrics"
	"sportsapp/app/onboarding"
	"sportsapp/app/ops"
	"sportsapp/app/replication"
	"sportsapp/app/restore"
	"sportsapp/app/tenant"
)

// cmdRestore: sportsapp restore --org S [--timestamp T] [--output P] | --list,
// or restore --all [--timestamp T] [--parallel N].
//
// With --output the backup is restored to a new file and nothing live is
// touched. Without it the organization's live database is replaced: by the
// running server when there is one (through its loopback control endpoint,
// so it can put the org into maintenance and pause its replication while
// every other org keeps serving), or directly when no server holds the
// data directory (the lock keeps one from starting meanwhile). --all
// rebuilds a whole platform in an empty data directory (restoreAll); the
// platform database alone ("--org platform") is only listed or restored to
// a new file, never replaced in place.
func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	slug := fs.String("org", "", "the organization's slug (platform: the platform database, with --list or --output)")
	stamp := fs.String("timestamp", "", "restore the state at this time (RFC 3339, e.g. 2026-11-28T13:00:00Z); default: latest")
	output := fs.String("output", "", "restore to this new file instead of replacing the live database")
	list := fs.Bool("list", false, "show what the replica holds for the organization")
	all := fs.Bool("all", false, "restore the platform and every organization into an empty data directory (with the server stopped)")
	parallel := fs.Int("parallel", 4, "with --all: organizations restored at once")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *all && (*slug != "" || *output != "" || *list) {
		fmt.Fprintln(stderr, "restore --all takes no --org, --output or --list")
		return errUsage
	}
	if !*all && *slug == "" {
		fmt.Fprintln(stderr, "restore needs --org SLUG, or --all")
		return errUsage
	}
	var at time.Time
	if *stamp != "" {
		t, err := time.Parse(time.RFC3339Nano, *stamp)
		if err != nil {
			return fmt.Errorf("--timestamp %q: want RFC 3339, like 2026-11-28T13:00:00Z", *stamp)
		}
		at = t
	}
	if *all {
		return restoreAll(ctx, &cfg, at, *parallel, stdout, stderr)
	}
	if *slug == onboarding.PlatformReplica {
		return restorePlatform(ctx, &cfg, *list, *output, at, stdout, stderr)
	}
	db, reg, err := platform(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := reg.BySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("%s: %w", *slug, err)
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	rcfg := cfg.replica(log)
	if *list {
		return describeReplica(ctx, stdout, rcfg, org)
	}
	svc := &restore.Service{Registry: reg, Replica: rcfg, Log: log}
	if *output != "" {
		res, err := svc.ToFile(ctx, org, *output, at)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored %s to %s in %s (integrity check ok); the live database was not touched\n", org.Slug, res.Path, res.Took.Round(time.Millisecond))
		return nil
	}
	unlock, err := ops.Lock(cfg.DataDir)
	if errors.Is(err, ops.ErrLocked) {
		client, err := ops.Connect(cfg.DataDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "asking the running server to restore %s...\n", org.Slug)
		res, err := client.Restore(ctx, org.Slug, at)
		if err != nil {
			return err
		}
		printRestored(stdout, org, res.Path, res.MovedAside, time.Duration(res.TookMS)*time.Millisecond)
		return nil
	}
	if err != nil {
		return err
	}
	defer unlock()
	pool := tenant.NewPool(reg, tenant.PoolOptions{MaxOpen: 1, IdleTimeout: -1, Logger: log})
	defer pool.Close()
	svc.Pool = pool
	res, err := svc.Live(ctx, org, at)
	if err != nil {
		return err
	}
	printRestored(stdout, org, res.Path, res.MovedAside, res.Took)
	return nil
}

// restoreAll: sportsapp restore --all. It holds the data directory's lock
// throughout, so no server starts on a half-restored platform, and prints
// a line per organization as it finishes.
func restoreAll(ctx context.Context, cfg *config, at time.Time, parallel int, stdout, stderr io.Writer) error {
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	unlock, err := ops.Lock(cfg.DataDir)
	if errors.Is(err, ops.ErrLocked) {
		return fmt.Errorf("%s: %w.\nrestore --all fills an empty data directory: stop the server first, and keep it stopped until the restore is done", cfg.DataDir, err)
	}
	if err != nil {
		return err
	}
	defer unlock()
	res, err := restore.All(ctx, restore.AllOptions{
		DataDir: cfg.DataDir, Replica: cfg.replica(log), At: at, Parallel: parallel, Log: log,
		OnPlatform: func(orgs []tenant.Org, took time.Duration) {
			fmt.Fprintf(stdout, "restored platform: %d organizations (%s)\n", len(orgs), took.Round(time.Millisecond))
		},
		Progress: func(p restore.Progress) {
			if p.Err != nil {
				fmt.Fprintf(stdout, "FAILED %d/%d %s: %v\n", p.Done, p.Total, p.Org.Slug, p.Err)
				return
			}
			fmt.Fprintf(stdout, "restored %d/%d %s (%s)\n", p.Done, p.Total, p.Org.Slug, p.Took.Round(time.Millisecond))
		},
	})
	switch {
	case errors.Is(err, restore.ErrNotEmpty):
		return fmt.Errorf("%w.\nrestore --all only fills an empty data directory: with the server stopped, move this one aside (or choose another --data-dir) and run it again", err)
	case err != nil && len(res.Failed) > 0:
		fmt.Fprintln(stderr, "The server refuses to start until every organization's file is there. Restore each of these (with an earlier --timestamp if its latest backup is damaged):")
		for _, f := range res.Failed {
			fmt.Fprintf(stderr, "  sportsapp restore --org %s --output %s\n", f.Org.Slug, f.Path)
		}
		return err
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "restored the platform and %d organizations into %s in %s (integrity checks ok); the server can start now\n",
		len(res.Orgs), cfg.DataDir, res.Took.Round(time.Millisecond))
	return nil
}

// restorePlatform: sportsapp restore --org platform --list | --output P.
// The platform database is never replaced in place: a whole platform
// comes back with --all.
func restorePlatform(ctx context.Context, cfg *config, list bool, output string, at time.Time, stdout, stderr io.Writer) error {
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	rcfg := cfg.replica(log)
	switch {
	case list:
		info, err := replication.Describe(ctx, rcfg, onboarding.PlatformReplica)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "the platform database, replica %s\n", onboarding.PlatformReplica)
		fmt.Fprint(stdout, info.String())
		return nil
	case output != "":
		start := time.Now()
		if err := replication.Restore(ctx, rcfg, onboarding.PlatformReplica, output, at); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored the platform database to %s in %s (integrity check ok); the live database was not touched\n", output, time.Since(start).Round(time.Millisecond))
		return nil
	}
	return errors.New("the platform database is not restored in place.\n" +
		"To recover a whole platform, use `sportsapp restore --all` (into an empty data directory, with the server stopped); " +
		"to look at the replica's copy, `sportsapp restore --org platform --output FILE`")
}

func printRestored(w io.Writer, org tenant.Org, path string, aside []string, took time.Duration) {
	fmt.Fprintf(w, "restored %s into %s in %s (integrity check ok)\n", org.Slug, path, took.Round(time.Millisecond))
	for _, f := range aside {
		fmt.Fprintf(w, "  previous file kept: %s\n", f)
	}
}

// describeReplica prints what the replica holds for org.
func describeReplica(ctx context.Context, w io.Writer, rcfg replication.Config, org tenant.Org) error {
	info, err := replication.Describe(ctx, rcfg, onboarding.ReplicaName(org))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s (%s), replica %s\n", org.Name, org.Slug, onboarding.ReplicaName(org))
	fmt.Fprint(w, info.String())
	return nil
}

// cmdReplicas: sportsapp replicas status.
func cmdReplicas(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprintln(stderr, "usage: sportsapp replicas status")
		return errUsage
	}
	var cfg config
	fs := flag.NewFlagSet("replicas status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	if client, err := ops.Connect(cfg.DataDir); err == nil {
		rows, err := client.Replicas(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(tw, "ORG\tREPLICA\tIN SYNC\tLAST SYNC\tERROR")
		for _, r := range rows {
			last := "never"
			if !r.LastSync.IsZero() {
				last = r.LastSync.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", r.Org, r.Name, r.InSync, last, r.Err)
		}
		tw.Flush()
		// The server replicates organizations while they are open; the
		// others were shipped when they closed (issue 12).
		fmt.Fprintf(stdout, "%d databases replicated now (the platform and the organizations open in the server); the others were shipped when they closed and replicate again when opened. `restore --list --org S` shows what the replica holds of one.\n\n", len(rows))
		return printUsage(ctx, client, metrics.ByLag, 20, "Top 20 organizations by replica lag, then requests (`org list --usage --by X` for other orders):", stdout)
	}
	// No server running: report what the replica itself holds.
	db, reg, err := platform(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	orgs, err := reg.List(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(tw, "ORG\tREPLICA\tIN SYNC\tLATEST IN REPLICA\tERROR\t(no server running)")
	for _, o := range orgs {
		name := onboarding.ReplicaName(o)
		info, err := replication.Describe(ctx, cfg.replica(log), name)
		if err != nil {
			fmt.Fprintf(tw, "%s\t%s\tunknown\t-\t%v\t\n", o.Slug, name, err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\tunknown\t%s\t\t\n", o.Slug, name, info.Latest.UTC().Format(time.RFC3339))
	}
	return nil
}
