package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"sportsapp/app/apperr"
	"sportsapp/app/demo"
	"sportsapp/app/onboarding"
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

// migrateFleet migrates every organization database, logging each one that
// changed and shipping it to the replica (ship), and returns how many it
// checked.
func migrateFleet(ctx context.Context, cfg *config, reg *tenant.Registry, log *slog.Logger, ship func(context.Context, string, string) error) (int, error) {
	var n atomic.Int64
	var mu sync.Mutex
	var shipErrs []error
	err := reg.MigrateAll(ctx, tenant.OrgMigrations, cfg.MigrateParallel, func(r tenant.MigrateResult) {
		n.Add(1)
		if r.From == r.To {
			return
		}
		log.Info("org database migrated", "org", r.Org.Slug, "from", r.From, "to", r.To)
		path, err := reg.OrgPath(r.Org.ID)
		if err == nil {
			err = ship(ctx, onboarding.ReplicaName(r.Org), path)
		}
		if err != nil {
			mu.Lock()
			shipErrs = append(shipErrs, fmt.Errorf("replicate %s after migrating it: %w", r.Org.Slug, err))
			mu.Unlock()
		}
	})
	return int(n.Load()), errors.Join(append([]error{err}, shipErrs...)...)
}

// cmdMigrate: sportsapp migrate. The server migrates an organization's
// database when it opens it; this command does every one up front (before
// a release that must not pay that on first requests, or to find a
// failing migration early).
func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := open(ctx, &cfg, stderr, false)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.writes(ctx); err != nil {
		return err
	}
	n, err := migrateFleet(ctx, &cfg, a.reg, a.log, a.repl.Ship)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrated %d organization databases\n", n)
	return nil
}

// cmdOrg: sportsapp org create|list|suspend|activate.
func cmdOrg(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: sportsapp org create --slug S --name N [--admin-email E --admin-name A] | list | suspend --slug S | activate --slug S | export --slug S --output F.zip | delete --slug S [--now [--force]] [--keep-replica]")
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
		adminEmail := fs.String("admin-email", "", "invite this person as the first admin (as the console's wizard does)")
		adminName := fs.String("admin-name", "", "the first admin's name")
		cfg.newPlatformFlag(fs)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		a, err := open(ctx, &cfg, stderr, true)
		if err != nil {
			return err
		}
		defer a.close()
		if err := a.writes(ctx); err != nil {
			return err
		}
		if *adminEmail == "" {
			init, err := orgDefaults(*name)
			if err != nil {
				return err
			}
			org, err := a.reg.Create(ctx, *slug, *name, init)
			if err != nil {
				return err
			}
			path, err := a.reg.OrgPath(org.ID)
			if err != nil {
				return err
			}
			if err := a.repl.Ship(ctx, onboarding.ReplicaName(org), path); err != nil {
				return fmt.Errorf("created %s, but could not replicate it yet: %w", org.Slug, err)
			}
			fmt.Fprintf(stdout, "created %s (%s), id %s\n", org.Name, org.Slug, org.ID)
			fmt.Fprintf(stdout, "invite its first admin with: sportsapp user invite --org %s --email E --role admin\n", org.Slug)
			return nil
		}
		r := onboarding.DefaultRequest(time.Now())
		r.Name, r.Slug, r.AdminEmail, r.AdminName = *name, *slug, *adminEmail, *adminName
		res, err := a.onboard.Provision(ctx, r, onboarding.Actor{Label: "cli"})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created %s (%s), id %s, at %s\n", res.Org.Name, res.Org.Slug, res.Org.ID, a.links.Org(res.Org.Slug))
		if cfg.SMTPURL == "" {
			fmt.Fprintf(stdout, "no SMTP configured: pass this invitation link to %s (it works once):\n%s\n", res.Invitation.Email, res.Link)
		} else {
			fmt.Fprintf(stdout, "invitation mailed to %s\n", res.Invitation.Email)
		}
		return nil
	case "seed-demo":
		slug := fs.String("org", "", "the organization to fill with demo data")
		members := fs.Int("members", 300, "how many demo members")
		force := fs.Bool("force", false, "seed even though the setup looks like production")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		a, err := open(ctx, &cfg, stderr, false)
		if err != nil {
			return err
		}
		defer a.close()
		if a.links.Scheme == "https" && !*force {
			return fmt.Errorf("refusing to seed demo data: SPORTSAPP_PUBLIC_URL is https, which looks like production (use --force on a staging copy)")
		}
		return a.withOrg(ctx, *slug, func(sc *tenant.Scope) error {
			n, err := sc.Q().UserSearchCount(ctx, "")
			if err != nil {
				return err
			}
			if n > 5 && !*force {
				return fmt.Errorf("refusing to seed demo data: %s already has %d accounts (use --force if it is a demo organization)", sc.Org.Slug, n)
			}
			figs, err := demo.Seed(ctx, sc, a.settings, *members, uint64(time.Now().UnixNano()))
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "seeded %s: %d members, %d memberships, %d payments, %d teams, %d events, %d registrations; every demo member's password is %q\n",
				sc.Org.Slug, figs.Members, figs.Memberships, figs.Payments, figs.Teams, figs.Events, figs.Registrations, demo.Password)
			return nil
		})
	case "suspend", "activate":
		slug := fs.String("slug", "", "the organization's slug")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		a, err := open(ctx, &cfg, stderr, false)
		if err != nil {
			return err
		}
		defer a.close()
		if err := a.writes(ctx); err != nil {
			return err
		}
		status := tenant.StatusSuspended
		if args[0] == "activate" {
			status = tenant.StatusActive
		}
		org, err := a.reg.SetStatus(ctx, *slug, status)
		if err != nil {
			return err
		}
		if err := a.reg.Audit(ctx, "cli", "org."+args[0], org, "", ""); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is %s (a running server notices within 30 seconds)\n", org.Slug, org.Status)
		return nil
	case "export", "delete":
		return cmdOrgOffboarding(ctx, &cfg, fs, args, stdout, stderr)
	case "list":
		usage := fs.Bool("usage", false, "show the running server's top 20 organizations by load instead (requests, writes, cold opens, database size, replica lag)")
		by := fs.String("by", "requests", "with --usage, the order: requests, writes, cold-opens, bytes or lag")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *usage {
			return orgListUsage(ctx, cfg.DataDir, *by, stdout)
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

// describe turns a validation error into one line per field for the
// terminal.
func describe(err error) error {
	fields := apperr.FieldsOf(err)
	if fields == nil {
		return err
	}
	var lines []string
	for k, v := range fields {
		lines = append(lines, "  "+k+": "+v)
	}
	sort.Strings(lines)
	return fmt.Errorf("%s\n%s", apperr.MessageOf(err), strings.Join(lines, "\n"))
}
