package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sportsapp/app/onboarding"
	"sportsapp/app/ops"
	"sportsapp/app/replication"
	"sportsapp/app/tenant"
)

// cliReplication is how a command's writes reach the replica. The server
// replicates an organization only while its pool has it open (issue 12),
// so a command cannot count on the server noticing a file it changed:
//
//   - with a server running, the command asks it to hold the organization
//     (open in its pool, hence replicated) while it writes, and releasing
//     the hold makes the server sync the org before it answers; an org the
//     command created is shipped by the server the same way;
//   - with no server, the command runs a replicator of its own and ships
//     what it changed - the organization and the platform database -
//     before it exits.
//
// Either way, every write a command reports as done is in the replica when
// it exits.
type cliReplication struct {
	client *ops.Client             // a server runs on the data directory
	rep    *replication.Replicator // no server: this process replicates
}

// writes prepares a's replication for a command that changes databases.
// Read-only commands never call it (and so never touch the replica).
func (a *application) writes(ctx context.Context) error {
	if a.repl != nil {
		return nil
	}
	if unlock, err := ops.Lock(a.cfg.DataDir); err == nil {
		unlock()
	} else if errors.Is(err, ops.ErrLocked) {
		if c, err := ops.Connect(a.cfg.DataDir); err == nil {
			a.repl = &cliReplication{client: c}
			a.onboard.Replicator = a.repl
			return nil
		}
	} else {
		return err
	}
	rcfg := a.cfg.replica(a.log)
	rcfg.ShipOnly = true
	rep, err := replication.New(rcfg)
	if err != nil {
		return err
	}
	a.repl = &cliReplication{rep: rep}
	a.onboard.Replicator = a.repl
	return nil
}

// Ship replicates a database the command created or changed
// (onboarding.Replicator).
func (r *cliReplication) Ship(ctx context.Context, name, path string) error {
	if r.client != nil {
		return r.client.Ship(ctx, name)
	}
	return r.rep.Ship(ctx, name, path)
}

// hold keeps org replicated while the command works on it; done ships what
// the command wrote and must be called after the command's own
// connections to the file are closed.
func (r *cliReplication) hold(ctx context.Context, org tenant.Org, path string) (done func(context.Context) error, err error) {
	if r.client != nil {
		token, err := r.client.Hold(ctx, org.Slug)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return r.client.Release(ctx, token) }, nil
	}
	if err := r.rep.Retain(ctx, onboarding.ReplicaName(org), path); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		if err := r.rep.Sync(ctx, path); err != nil {
			return fmt.Errorf("%s was changed, but the change could not be sent to the replica yet (%w); it is safe on disk and is sent when the server next opens %s", path, err, org.Slug)
		}
		return r.rep.Release(ctx, path)
	}, nil
}

// close ships the platform database (after the command closed it) and
// stops this process's replicator.
func (r *cliReplication) close(platformPath string) error {
	if r.rep == nil {
		return nil // the server replicates the platform database continuously
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := r.rep.Ship(ctx, onboarding.PlatformReplica, platformPath)
	return errors.Join(err, r.rep.Close(ctx))
}
