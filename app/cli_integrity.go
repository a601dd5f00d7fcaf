package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sync/errgroup"

	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// cmdIntegrity: sportsapp integrity check [--all | --org S] [--parallel N].
//
// It runs PRAGMA quick_check on the platform database and every
// organization's (or one), through read-only SQLite connections, so it is
// safe next to a running server and is the first thing to run when
// something looks wrong (docs/restore.md). Every failure is printed; the
// exit status is 1 if any database failed.
func cmdIntegrity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: sportsapp integrity check [--all | --org S] [--parallel N]")
		return errUsage
	}
	var cfg config
	fs := flag.NewFlagSet("integrity check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	all := fs.Bool("all", false, "check the platform database and every organization's (the default)")
	slug := fs.String("org", "", "check only this organization's database")
	parallel := fs.Int("parallel", 4, "databases checked at once")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *all && *slug != "" {
		return fmt.Errorf("%w: pass --all or --org, not both", errUsage)
	}
	if *parallel < 1 {
		return fmt.Errorf("%w: --parallel must be at least 1", errUsage)
	}
	var failed []string
	var mu sync.Mutex
	report := func(name, path string, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failed = append(failed, name)
			fmt.Fprintf(stdout, "FAIL %s (%s): %v\n", name, path, err)
			return
		}
		fmt.Fprintf(stdout, "ok   %s\n", name)
	}

	platformPath := filepath.Join(cfg.DataDir, tenant.PlatformFile)
	if _, err := os.Stat(platformPath); errors.Is(err, os.ErrNotExist) {
		return noPlatform(cfg.DataDir)
	}
	if *slug == "" {
		err := sqlite.QuickCheck(ctx, platformPath)
		report("platform", platformPath, err)
		if err != nil {
			// The registry lives in it: the organizations cannot be listed.
			return fmt.Errorf("the platform database failed its check; see docs/restore.md")
		}
	}
	db, reg, err := platform(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	orgs, err := reg.List(ctx)
	if err != nil {
		return err
	}
	if *slug != "" {
		o, err := reg.BySlug(ctx, *slug)
		if err != nil {
			return err
		}
		orgs = []tenant.Org{o}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(*parallel)
	for _, o := range orgs {
		path, err := reg.OrgPath(o.ID)
		if err != nil {
			return err
		}
		g.Go(func() error {
			report(fmt.Sprintf("%s (org %s)", o.Slug, o.ID), path, sqlite.QuickCheck(gctx, path))
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d databases failed their check: %v; see docs/restore.md", len(failed), failed)
	}
	fmt.Fprintln(stdout, "every database checked passed quick_check")
	return nil
}
