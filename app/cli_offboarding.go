package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"sportsapp/app/offboard"
	"sportsapp/app/ops"
	"sportsapp/app/tenant"
)

// cmdOrgOffboarding: sportsapp org export|delete (issue 17, docs/offboarding.md).
func cmdOrgOffboarding(ctx context.Context, cfg *config, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	switch args[0] {
	case "export":
		return cmdOrgExport(ctx, cfg, fs, args[1:], stdout, stderr)
	case "delete":
		return cmdOrgDelete(ctx, cfg, fs, args[1:], stdout, stderr)
	}
	return errUsage
}

// cmdOrgExport writes an organization's export (CSV files, README and the
// SQLite snapshot) to a zip file. The snapshot is taken with VACUUM INTO
// through SQLite, so it is safe while a server runs and serves the org.
func cmdOrgExport(ctx context.Context, cfg *config, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	slug := fs.String("slug", "", "the organization to export")
	output := fs.String("output", "", "the zip file to write (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" || *output == "" {
		fmt.Fprintln(stderr, "usage: sportsapp org export --slug S --output F.zip")
		return errUsage
	}
	if _, err := os.Stat(*output); err == nil {
		return fmt.Errorf("%s already exists; choose a new file (nothing was written)", *output)
	}
	a, err := open(ctx, cfg, stderr, false)
	if err != nil {
		return err
	}
	defer a.close()
	org, err := a.reg.BySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("%s: %w", *slug, err)
	}
	files, size, err := exportOrg(ctx, a, org, *output)
	if err != nil {
		return err
	}
	if err := a.reg.Audit(ctx, "cli", "org.export", org, fmt.Sprintf("%s, %d bytes, with the database", filepath.Base(*output), size), ""); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %s (%s) to %s: %d bytes\n", org.Name, org.Slug, *output, size)
	for _, f := range files {
		if f.Rows >= 0 {
			fmt.Fprintf(stdout, "  %-24s %d rows\n", f.Name, f.Rows)
		} else {
			fmt.Fprintf(stdout, "  %s\n", f.Name)
		}
	}
	return nil
}

// exportOrg writes org's full export to output (through a temporary file
// renamed at the end, so a failed export leaves nothing that looks whole).
// The org's database is opened in this process's own pool, exactly as the
// other commands that read an organization do.
func exportOrg(ctx context.Context, a *application, org tenant.Org, output string) ([]offboard.File, int64, error) {
	if err := a.writes(ctx); err != nil { // opening may migrate the file: keep the replica told
		return nil, 0, err
	}
	path, err := a.reg.OrgPath(org.ID)
	if err != nil {
		return nil, 0, err
	}
	done, err := a.repl.hold(ctx, org, path)
	if err != nil {
		return nil, 0, err
	}
	pool := tenant.NewPool(a.reg, tenant.PoolOptions{MaxOpen: 1, IdleTimeout: -1, Logger: a.log})
	snap, err := offboard.Take(ctx, pool, org, exportTempDir(a.cfg))
	pool.Close() // this process's connections close before replication lets go
	if derr := done(ctx); derr != nil {
		a.log.Warn("release the organization after its snapshot", "org", org.Slug, "err", derr)
	}
	if err != nil {
		return nil, 0, err
	}
	defer snap.Close()
	tmp := output + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, 0, err
	}
	files, err := snap.WriteZip(ctx, f, offboard.Options{Database: true})
	if err == nil {
		err = f.Sync()
	}
	var size int64
	if st, serr := f.Stat(); serr == nil {
		size = st.Size()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, output)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return nil, 0, err
	}
	return files, size, nil
}

// exportTempDir is where snapshots are made before they are zipped: in the
// data directory, on the same disk as the databases.
func exportTempDir(cfg *config) string { return filepath.Join(cfg.DataDir, "tmp") }

// cmdOrgDelete schedules a suspended organization's deletion after the
// grace period, cancels it, or (--now) deletes it at once: through the
// running server if there is one (it takes the org offline in its pool
// and stops replicating it), else in this process under the data
// directory's lock.
func cmdOrgDelete(ctx context.Context, cfg *config, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	slug := fs.String("slug", "", "the organization to delete (it must be suspended)")
	now := fs.Bool("now", false, "delete at once instead of after the grace period (refused unless the organization was exported, or --force)")
	force := fs.Bool("force", false, "with --now: delete even though the organization was never exported")
	keepReplica := fs.Bool("keep-replica", false, "keep the organization's replica (by default it is purged once its retention has passed)")
	graceDays := fs.Int("grace-days", 30, "the grace period, in days, during which reactivating the organization cancels its deletion")
	cancel := fs.Bool("cancel", false, "cancel the scheduled deletion (the organization stays suspended)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" || *force && !*now || *cancel && *now || *graceDays < 1 {
		fmt.Fprintln(stderr, errOffboardUsage)
		return errUsage
	}
	a, err := open(ctx, cfg, stderr, false)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.writes(ctx); err != nil {
		return err
	}
	by := offboard.Actor{Label: "cli"}
	d := &offboard.Deleter{Registry: a.reg, Replica: cfg.replica(a.log), Log: a.log}
	switch {
	case *cancel:
		if err := d.Cancel(ctx, *slug, by); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "the deletion of %s is cancelled; it stays suspended (sportsapp org activate --slug %s serves it again)\n", *slug, *slug)
		return nil
	case !*now:
		x, err := d.Schedule(ctx, *slug, by, time.Duration(*graceDays)*24*time.Hour, *keepReplica)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s will be deleted after %s (a running server does it within the hour after); reactivating it cancels the deletion\n",
			x.Slug, x.DeleteAfter.Format("2006-01-02 15:04 UTC"))
		return nil
	}
	if a.repl.client != nil {
		err := a.repl.client.DeleteOrg(ctx, ops.DeleteOrgRequest{Org: *slug, Actor: by.Label, Force: *force, KeepReplica: *keepReplica})
		if err != nil {
			return fmt.Errorf("%s: %w", *slug, err)
		}
	} else {
		unlock, err := ops.Lock(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("%s: %w (try again)", cfg.DataDir, err)
		}
		err = d.DeleteNow(ctx, *slug, by, *force, *keepReplica)
		unlock()
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s is deleted: its files are removed, its address is held for 90 days", *slug)
	if *keepReplica {
		fmt.Fprintln(stdout, ", its replica is kept")
	} else {
		fmt.Fprintln(stdout, ", its replica is purged once its retention has passed")
	}
	return nil
}

// errOffboardUsage is what org delete says about a bad combination.
var errOffboardUsage = errors.New("usage: sportsapp org delete --slug S [--grace-days N] [--keep-replica] | --slug S --now [--force] [--keep-replica] | --slug S --cancel")
