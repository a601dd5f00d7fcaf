package replication

import (
	"context"
	"fmt"
)

// Purge deletes everything the replica holds for name (every level of its
// history), through Litestream's replica client for that name alone: the
// client is rooted at the name's own prefix, so no other database's files
// can be reached. Deleting an organization (app/offboard) calls it once the
// replica's retention has passed. Purging a name the replica does not hold
// is not an error.
func Purge(ctx context.Context, cfg Config, name string) error {
	target, err := ParseTarget(cfg.URL)
	if err != nil {
		return err
	}
	client, err := target.client(name)
	if err != nil {
		return err
	}
	if err := client.DeleteAll(ctx); err != nil {
		return fmt.Errorf("purge %s: %w", target.URL(name), err)
	}
	return nil
}
