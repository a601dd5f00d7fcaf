package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"sportsapp/app/onboarding"
	"sportsapp/app/replication"
	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// errNoPlatform means the data directory has no platform database and the
// command does not create one.
var errNoPlatform = errors.New("no platform here yet")

// replicaCheckTimeout bounds the look at the replica before a new platform
// is created: long enough for the S3 client's retries, short enough that a
// wrong endpoint fails the start within a minute.
const replicaCheckTimeout = 30 * time.Second

// platform opens the existing platform database (migrating it) and the
// registry on it. It never creates a file: an empty platform.db left by a
// read-only command would stand in the way of restoring the real one.
func platform(ctx context.Context, cfg *config) (*sqlite.DB, *tenant.Registry, error) {
	db, err := tenant.OpenExistingPlatform(ctx, cfg.DataDir)
	if errors.Is(err, sqlite.ErrNotExist) {
		return nil, nil, noPlatform(cfg.DataDir)
	}
	if err != nil {
		return nil, nil, err
	}
	return db, tenant.NewRegistry(db, cfg.DataDir), nil
}

// noPlatform is the answer of a command that needs a platform on a data
// directory without one.
func noPlatform(dataDir string) error {
	return fmt.Errorf("%w: %s does not exist (nothing was created).\n"+
		"Recover the platform from the replica with `sportsapp restore --all`, or start a new one with `sportsapp serve`",
		errNoPlatform, filepath.Join(dataDir, tenant.PlatformFile))
}

// newPlatform opens the platform database for a command that may create
// one (serve, org create, superadmin create). A data directory without one
// gets a new, empty platform only once the replica is known to hold no
// platform database: after a disaster, a fresh start on the emptied
// directory would otherwise replicate a new platform over the old one's
// history (see checkNewPlatform).
func newPlatform(ctx context.Context, cfg *config, log *slog.Logger) (*sqlite.DB, *tenant.Registry, error) {
	if _, err := os.Stat(filepath.Join(cfg.DataDir, tenant.PlatformFile)); errors.Is(err, os.ErrNotExist) {
		if err := checkNewPlatform(ctx, cfg, log); err != nil {
			return nil, nil, err
		}
	} else if err != nil {
		return nil, nil, err
	}
	db, err := tenant.OpenPlatform(ctx, cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	return db, tenant.NewRegistry(db, cfg.DataDir), nil
}

// checkNewPlatform lists the replica's platform database (through
// Litestream's replica client) and refuses to go on when it holds one,
// whatever the flags say: recovering it is `restore --all`, and a new,
// separate platform needs a replica prefix of its own. When the replica
// cannot be listed the answer is unknown, and seeding over history is
// worse than not starting: it refuses unless --new-platform says the
// operator knows the replica holds no platform.
func checkNewPlatform(ctx context.Context, cfg *config, log *slog.Logger) error {
	target, err := replication.ParseTarget(cfg.ReplicaURL)
	if err != nil {
		return err
	}
	url := target.URL(onboarding.PlatformReplica)
	lctx, cancel := context.WithTimeout(ctx, replicaCheckTimeout)
	defer cancel()
	held, err := replication.HasBackup(lctx, cfg.replica(log), onboarding.PlatformReplica)
	switch {
	case err != nil && cfg.NewPlatform:
		log.Warn("creating a new platform without checking the replica (--new-platform)", "data_dir", cfg.DataDir, "replica", url, "err", err)
		return nil
	case err != nil:
		return fmt.Errorf("%s has no platform database, and the replica could not be checked for one (%s): %w\n"+
			"Refusing to create a new platform, which could replicate over an existing platform's history.\n"+
			"  - Fix SPORTSAPP_REPLICA_URL or the credentials and try again; if the replica holds a platform, recover it with `sportsapp restore --all`.\n"+
			"  - To create a new platform anyway, pass --new-platform: only when you are sure nothing is stored at that replica URL",
			cfg.DataDir, url, err)
	case held:
		return fmt.Errorf("%s has no platform database, but the replica already holds one (%s).\n"+
			"Refusing to create a new platform: it would replicate over that history, and a plain restore would then bring back the new, empty platform.\n"+
			"  - To recover the platform: `sportsapp restore --all` (with the server stopped), then start the server.\n"+
			"  - To start a new, separate platform: point SPORTSAPP_REPLICA_URL (--replica-url) at a prefix that holds no platform; --new-platform never writes over an existing replica",
			cfg.DataDir, url)
	}
	log.Info("no platform database: creating a new platform", "data_dir", cfg.DataDir, "replica", url)
	return nil
}
