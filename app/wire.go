package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"

	"sportsapp/app/account"
	"sportsapp/app/domain"
	"sportsapp/app/logging"
	"sportsapp/app/mail"
	"sportsapp/app/onboarding"
	"sportsapp/app/settings"
	"sportsapp/app/sqlite"
	"sportsapp/app/superadmin"
	"sportsapp/app/tenant"
)

// application is everything a command needs, built one way for the server
// and the CLI so both run the same code paths.
type application struct {
	cfg      *config
	log      *slog.Logger
	db       *sqlite.DB // the platform database
	reg      *tenant.Registry
	links    tenant.Links
	outbox   *mail.Outbox
	accounts *account.Service
	super    *superadmin.Service
	settings *settings.Service
	onboard  *onboarding.Service
	domains  *domain.Service // custom domains (no routing table: serve adds one)
	repl     *cliReplication // set by commands that write (writes)
}

// open builds the application from cfg: the logger, the platform database
// (migrated), the registry, mail and the account services. Only a command
// meant to create a platform passes create (see newPlatform); the others
// fail on a data directory without one and leave it untouched.
func open(ctx context.Context, cfg *config, stderr io.Writer, create bool) (*application, error) {
	log, err := cfg.logger(stderr)
	if err != nil {
		return nil, err
	}
	links, err := cfg.links()
	if err != nil {
		return nil, err
	}
	sender, err := mail.New(cfg.SMTPURL, cfg.MailFrom, log)
	if err != nil {
		return nil, err
	}
	var db *sqlite.DB
	var reg *tenant.Registry
	if create {
		db, reg, err = newPlatform(ctx, cfg, log)
	} else {
		db, reg, err = platform(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	outbox := mail.NewOutbox(sender, log, 0)
	accounts := &account.Service{Mail: outbox, Links: links, Log: log}
	return &application{
		cfg: cfg, log: log, db: db, reg: reg, links: links, outbox: outbox,
		accounts: accounts,
		super:    &superadmin.Service{DB: db},
		settings: &settings.Service{},
		onboard:  &onboarding.Service{Registry: reg, Accounts: accounts, Log: log},
		domains: &domain.Service{DB: db, Registry: reg, Base: strings.ToLower(strings.TrimSuffix(cfg.BaseDomain, ".")),
			Checker: domain.NewChecker(cfg.DNSServer, 5*time.Second), PublicIPs: splitList(cfg.PublicIPs)},
	}, nil
}

// orgDefaults is the initial data of an organization created from the
// command line or seeded at first start: the default settings and
// membership type.
func orgDefaults(name string) (tenant.InitFunc, error) {
	now := time.Now()
	return settings.Initial(settings.Defaults(name, now), []settings.TypeForm{settings.DefaultMembershipType}, "platform", now)
}

// close sends the mail still queued (for up to 30 s), closes the
// platform database and writes out the log lines still held back.
func (a *application) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.outbox.Close(ctx); err != nil {
		a.log.Error("mail still queued at exit", "err", err)
	}
	a.db.Close()
	if a.repl != nil {
		if err := a.repl.close(a.db.Path); err != nil {
			a.log.Error("replicate the platform database", "err", err)
		}
	}
	_ = logging.Flush(a.log) // the lines a batching logger still holds
}

// withOrg runs fn with the scope of the organization slug, opened the same
// way a request opens it, and makes sure what fn wrote reaches the replica
// (see cliReplication).
func (a *application) withOrg(ctx context.Context, slug string, fn func(*tenant.Scope) error) error {
	org, err := a.reg.BySlug(ctx, slug)
	if err != nil {
		return err
	}
	if err := a.writes(ctx); err != nil {
		return err
	}
	path, err := a.reg.OrgPath(org.ID)
	if err != nil {
		return err
	}
	done, err := a.repl.hold(ctx, org, path)
	if err != nil {
		return err
	}
	pool := tenant.NewPool(a.reg, tenant.PoolOptions{MaxOpen: 1, IdleTimeout: -1, Logger: a.log})
	h, err := pool.Acquire(ctx, org)
	if err == nil {
		err = fn(tenant.NewScope(h))
		h.Release()
	}
	pool.Close() // this process's connections close before replication lets go
	return errors.Join(err, done(ctx))
}

// forgetOrg drops what this process caches about org (after a restore
// replaced its database).
func (a *application) forgetOrg(org tenant.Org) {
	a.settings.ForgetOrg(org.ID)
}
