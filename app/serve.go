package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"sportsapp/app/analytics"
	"sportsapp/app/auth"
	"sportsapp/app/event"
	"sportsapp/app/membership"
	"sportsapp/app/offboard"
	"sportsapp/app/onboarding"
	"sportsapp/app/ops"
	"sportsapp/app/replication"
	"sportsapp/app/restore"
	"sportsapp/app/tenant"
	"sportsapp/app/web"
)

// cmdServe: sportsapp [serve]. It takes the data directory's lock, migrates
// the platform database, seeds Quadball Canada into a new platform (never
// created while the replica holds one: see newPlatform), starts
// replicating the platform database, serves HTTP and the loopback control
// endpoint, and on SIGINT/SIGTERM finishes the requests under way, ships
// the last changes to the replica, sends queued mail and closes every
// database.
//
// Start-up does nothing per organization, so it takes the same time with
// 10 or 10,000 of them (issue 12): an organization's database is opened,
// migrated if its schema is behind, and replicated when its first request
// arrives, and let go (after a final sync) when the pool closes it.
// `migrate` remains for operators who want every file migrated up front.
func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg config
	var mc metricsConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	cfg.serveFlags(fs)
	mc.flags(fs)
	cfg.newPlatformFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := mc.check(); err != nil {
		return err
	}
	unlock, err := ops.Lock(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.DataDir, err)
	}
	defer unlock()
	fdLimit, fdErr := tenant.RaiseFileLimit()
	a, err := open(ctx, &cfg, stderr, true)
	if err != nil {
		return err
	}
	defer a.close()
	log := a.log
	if warning := replication.CheckEnvironment(); warning != "" {
		log.Warn(warning)
	}
	if fdErr != nil {
		log.Warn("read the open-file limit", "err", fdErr)
	}
	init, err := orgDefaults(tenant.DefaultOrgName)
	if err != nil {
		return err
	}
	seeded, err := a.reg.SeedDefault(ctx, init)
	if err != nil {
		return fmt.Errorf("seed %s: %w", tenant.DefaultOrgName, err)
	} else if seeded {
		log.Info("seeded the first organization", "org", tenant.DefaultOrgSlug,
			"next", "invite its first admin: go run ./app user invite --org "+tenant.DefaultOrgSlug+" --email you@example.org --role admin")
	}

	rep, err := replication.New(cfg.replica(log))
	if err != nil {
		return err
	}
	// Organizations that may hold unshipped changes, across a crash
	// (replication.Pending): marked before their first write is
	// replicated, cleared once shipped.
	pending, err := replication.NewPending(filepath.Join(cfg.DataDir, "replication-pending"))
	if err != nil {
		return err
	}
	defer func() {
		// The app's connections close first (the pool's are closed by the
		// deferred pool.Close, registered later, so run earlier): closing
		// the replicator last lets Litestream hold the WAL, so the next
		// start ships only changes instead of a full copy of every file.
		a.db.Close()
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := rep.Close(cctx); err != nil {
			log.Error("stop replication (organizations written before the stop are shipped at the next start)", "err", err)
			return
		}
		// Every held organization was shipped by Close.
		if err := pending.ClearAll(); err != nil {
			log.Warn("clear the replication marks", "err", err)
		}
	}()
	if err := rep.Add(ctx, onboarding.PlatformReplica, a.db.Path); err != nil {
		return fmt.Errorf("replicate the platform database: %w", err)
	}
	log.Info("replicating", "to", rep.Target().String(), "interval", cfg.SyncInterval)
	if seeded {
		org, err := a.reg.BySlug(ctx, tenant.DefaultOrgSlug)
		if err != nil {
			return err
		}
		path, err := a.reg.OrgPath(org.ID)
		if err != nil {
			return err
		}
		if err := rep.Ship(ctx, onboarding.ReplicaName(org), path); err != nil {
			log.Warn("replicate the seeded organization (retried when it is opened)", "org", org.Slug, "err", err)
		}
	}

	var pool *tenant.Pool
	var srv *web.Server
	m := newMetrics(mc, a, rep, &pool, &srv)
	// Analytics roll-ups (docs/analytics.md): writes mark an org dirty; the
	// collector re-reads only changed orgs, through the pool's readers.
	collector := &analytics.Collector{Platform: a.db, Registry: a.reg, Interval: cfg.AnalyticsInterval,
		Parallel: 1, Pace: true, BackfillPerPass: 20, Log: log, Observe: m.AnalyticsPass}
	pool = tenant.NewPool(a.reg, tenant.PoolOptions{
		MaxOpen: cfg.MaxOpenOrgs, IdleTimeout: cfg.IdleTimeout, Readers: cfg.Readers, Logger: log,
		OnOpened: m.ColdOpen, Observe: m.OrgQueries,
		// Replication follows the pool's writes: an org is replicated from
		// its first write after the pool opens it (an org that is only read
		// costs no replication) and let go, after a final sync, once the
		// pool has closed it.
		OnFirstWrite: func(ctx context.Context, o tenant.Org) error {
			path, err := a.reg.OrgPath(o.ID)
			if err != nil {
				return err
			}
			if err := pending.Mark(o.ID); err != nil {
				return err
			}
			return rep.Retain(ctx, onboarding.ReplicaName(o), path)
		},
		OnShip: func(ctx context.Context, o tenant.Org) error {
			path, err := a.reg.OrgPath(o.ID)
			if err != nil {
				return err
			}
			if err := rep.Ship(ctx, onboarding.ReplicaName(o), path); err != nil {
				return err
			}
			return pending.Clear(o.ID)
		},
		OnClose: func(ctx context.Context, o tenant.Org) error {
			path, err := a.reg.OrgPath(o.ID)
			if err != nil {
				return err
			}
			if err := rep.Release(ctx, path); err != nil {
				return err // still held, retried; the mark stays
			}
			return pending.Clear(o.ID)
		},
		// Writes mark the org dirty; the replicator ships dirty orgs every
		// sync interval instead of polling every open one.
		OnWrite: func(o tenant.Org) {
			if path, err := a.reg.OrgPath(o.ID); err == nil {
				rep.Wrote(path)
			}
			collector.MarkDirty(o)
		},
	})
	log.Info("pool", "max_open_orgs", pool.MaxOpen(), "open_file_limit", fdLimit)
	defer pool.Close()
	collector.Pool = pool
	if cfg.AnalyticsInterval > 0 {
		actx, stopAnalytics := context.WithCancel(ctx)
		analyticsDone := make(chan struct{})
		go func() { defer close(analyticsDone); collector.Run(actx) }()
		// Stopped before the pool closes (deferred calls run in reverse).
		defer func() { stopAnalytics(); <-analyticsDone }()
	}
	a.onboard.Replicator = rep
	a.onboard.ReplicaStatus = replicaStatus(rep)
	// The CSRF signing key stays in the data directory, outside the
	// databases and so outside the replica: a restore onto a new machine
	// makes a new one, which costs open forms one "reload the page".
	csrfKey, err := auth.LoadOrCreateKey(filepath.Join(cfg.DataDir, "csrf.key"))
	if err != nil {
		return fmt.Errorf("CSRF key: %w", err)
	}
	// Custom domains: the routing table (also what the TLS ask endpoint
	// reads) is reloaded every 30 s for the CLI's changes; pending and
	// verified domains are re-checked in the background.
	a.domains.Table = a.domains.NewTable()
	if err := a.domains.Table.Reload(ctx); err != nil {
		return fmt.Errorf("custom domains: %w", err)
	}
	go a.domains.Table.Run(ctx, 30*time.Second, func(err error) { log.Error("reload custom domains", "err", err) })
	a.domains.OnFlagged = notifyFlagged(a.reg, a.db, pool, a.outbox, log)
	go a.domains.Run(ctx, time.Minute, log)
	a.accounts.Links.Primary = a.domains.Table.PrimaryBySlug // mail links
	srv, err = web.New(web.Deps{
		Domains:        a.domains,
		Registry:       a.reg,
		Resolver:       tenant.NewResolver(cfg.BaseDomain, a.reg, 30*time.Second),
		Pool:           pool,
		Accounts:       a.accounts,
		Super:          a.super,
		Settings:       a.settings,
		Onboarding:     a.onboard,
		Memberships:    &membership.Service{Settings: a.settings},
		Events:         &event.Service{Settings: a.settings},
		Logger:         log,
		Secure:         a.links.Scheme == "https",
		MailConfigured: cfg.SMTPURL != "",
		TrustedProxies: cfg.trustedProxies(),
		CSRFKey:        csrfKey,
		Metrics:        m,
		KeepPages:      cfg.KeepPages,
	})
	if err != nil {
		return err
	}
	control := &ops.Server{Registry: a.reg, Replicator: rep, Pool: pool, Log: log, Usage: m, Restore: &restore.Service{
		Registry: a.reg, Pool: pool, Replicator: rep, Replica: cfg.replica(log), Log: log,
		Restored: func(o tenant.Org) { a.forgetOrg(o); collector.MarkDirty(o) },
	}}
	// Organization deletions (issue 17): due ones now (completing any a
	// stop left midway), then hourly; `org delete --now` through control.
	deleter := &offboard.Deleter{Registry: a.reg, Pool: pool, Replicator: rep, Replica: cfg.replica(log), Log: log,
		Deleted: func(o tenant.Org) { a.forgetOrg(o); a.accounts.ForgetOrg(o.ID); collector.FullPass() }}
	control.Offboard = deleter
	go deleter.Run(ctx, offboard.SweepInterval)
	if err := control.Start(cfg.OpsAddr, cfg.DataDir); err != nil {
		return fmt.Errorf("ops endpoint: %w", err)
	}
	metricsLn := startMetrics(mc, a, m, rep)

	// Ship what a crash left unshipped, in the background.
	go shipPending(ctx, log, a.reg, rep, pending)

	errc := make(chan error, 1)
	go func() { errc <- srv.Listen(cfg.Addr) }()
	log.Info("serving", "addr", cfg.Addr, "data_dir", cfg.DataDir,
		"org", a.links.Org(tenant.DefaultOrgSlug), "platform", a.links.Platform())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(sctx), control.Shutdown(sctx, cfg.DataDir), metricsLn.Shutdown(sctx))
}

// shipPending ships every organization still marked as possibly holding
// unshipped changes: after a crash, those written just before it (a clean
// stop clears the marks). An organization deleted since is forgotten.
func shipPending(ctx context.Context, log *slog.Logger, reg *tenant.Registry, rep *replication.Replicator, pending *replication.Pending) {
	ids, err := pending.List()
	if err != nil {
		log.Error("list the organizations to ship after a stop", "err", err)
		return
	}
	if len(ids) == 0 {
		return
	}
	log.Info("shipping the organizations written before the last stop", "count", len(ids))
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		path, err := reg.OrgPath(id)
		if err == nil {
			if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
				_ = pending.Clear(id) // deleted since
				continue
			}
			err = rep.Ship(ctx, "orgs/"+id, path)
		}
		if err != nil {
			log.Warn("ship an organization written before the last stop (retried at the next start, or shipped at its next write)", "org_id", id, "err", err)
			continue
		}
		_ = pending.Clear(id)
	}
}

// replicaStatus adapts the replicator's status for the console.
func replicaStatus(rep *replication.Replicator) func(string) onboarding.ReplicaState {
	return func(path string) onboarding.ReplicaState {
		st, ok := rep.StatusOf(path)
		if !ok {
			return onboarding.ReplicaState{}
		}
		return onboarding.ReplicaState{Known: true, LastSync: st.LastSync, InSync: st.InSync, Err: st.Err}
	}
}

// portOf returns ":8080" for an address such as ":8080" or "127.0.0.1:8080",
// and "" for port 80.
func portOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			if addr[i+1:] == "80" {
				return ""
			}
			return addr[i:]
		}
	}
	return ""
}
