package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"text/tabwriter"

	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// errUsage means the command line was wrong; the flag package has already
// said how.
var errUsage = errors.New("usage")

// parse parses args into fs, mapping flag errors to errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %v\n", fs.Args())
		return errUsage
	}
	return nil
}

// platform opens the platform database (creating and migrating it if
// needed) and the registry on it.
func platform(ctx context.Context, cfg *config) (*sqlite.DB, *tenant.Registry, error) {
	db, err := tenant.OpenPlatform(ctx, cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	return db, tenant.NewRegistry(db, cfg.DataDir), nil
}

// migrateFleet migrates every organization database, logging each one that
// changed, and returns how many it checked.
func migrateFleet(ctx context.Context, cfg *config, reg *tenant.Registry, log *slog.Logger) (int, error) {
	var n atomic.Int64
	err := reg.MigrateAll(ctx, tenant.OrgMigrations, cfg.MigrateParallel, func(r tenant.MigrateResult) {
		n.Add(1)
		if r.From != r.To {
			log.Info("org database migrated", "org", r.Org.Slug, "from", r.From, "to", r.To)
		}
	})
	return int(n.Load()), err
}

// cmdMigrate: sportsapp migrate.
func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	db, reg, err := platform(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := migrateFleet(ctx, &cfg, reg, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrated %d organization databases\n", n)
	return nil
}

// cmdOrg: sportsapp org create|list.
func cmdOrg(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: sportsapp org create --slug S --name N | org list")
		return errUsage
	}
	var cfg config
	fs := flag.NewFlagSet("org "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	switch args[0] {
	case "create":
		slug := fs.String("slug", "", "the organization's address: <slug>.<base-domain>")
		name := fs.String("name", "", "the organization's display name")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		db, reg, err := platform(ctx, &cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		init, err := orgDefaults(*name)
		if err != nil {
			return err
		}
		org, err := reg.Create(ctx, *slug, *name, init)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s), id %s\n", org.Name, org.Slug, org.ID)
		return nil
	case "list":
		if err := parse(fs, args[1:]); err != nil {
			return err
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
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SLUG\tNAME\tSTATUS\tCREATED\tID")
		for _, o := range orgs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Slug, o.Name, o.Status, o.CreatedAt.Format("2006-01-02"), o.ID)
		}
		return tw.Flush()
	}
	fmt.Fprintf(stderr, "unknown org command %q\n", args[0])
	return errUsage
}
