package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"sportsapp/app/tenant"
	"sportsapp/app/web"
)

// cmdServe: sportsapp [serve]. It migrates the platform and every org
// database before accepting requests (requests never migrate), seeds
// Quadball Canada into an empty platform, and on SIGINT/SIGTERM finishes
// the requests under way, sends queued mail and closes every database.
func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	cfg.serveFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := open(ctx, &cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	log := a.log
	init, err := orgDefaults(tenant.DefaultOrgName)
	if err != nil {
		return err
	}
	if created, err := a.reg.SeedDefault(ctx, init); err != nil {
		return fmt.Errorf("seed %s: %w", tenant.DefaultOrgName, err)
	} else if created {
		log.Info("seeded the first organization", "org", tenant.DefaultOrgSlug,
			"next", "invite its first admin: go run ./app user invite --org "+tenant.DefaultOrgSlug+" --email you@example.org --role admin")
	}
	if _, err := migrateFleet(ctx, &cfg, a.reg, log); err != nil {
		return err
	}

	pool := tenant.NewPool(a.reg, tenant.PoolOptions{
		MaxOpen: cfg.MaxOpenOrgs, IdleTimeout: cfg.IdleTimeout, Readers: cfg.Readers, Logger: log,
	})
	defer pool.Close()
	srv, err := web.New(web.Deps{
		Registry:       a.reg,
		Resolver:       tenant.NewResolver(cfg.BaseDomain, a.reg, 30*time.Second),
		Pool:           pool,
		Accounts:       a.accounts,
		Super:          a.super,
		Settings:       a.settings,
		Onboarding:     a.onboard,
		Logger:         log,
		Secure:         a.links.Scheme == "https",
		MailConfigured: cfg.SMTPURL != "",
	})
	if err != nil {
		return err
	}

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
	return srv.Shutdown(sctx)
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
