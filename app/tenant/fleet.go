package tenant

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"sportsapp/app/sqlite"
)

// MigrateResult reports one organization's migration.
type MigrateResult struct {
	Org      Org
	From, To int64
}

// MigrateAll brings every organization's database to the latest version of
// migs (normally OrgMigrations), at most parallel at a time. At the first failure it starts no further
// migrations, waits for those under way, and returns an error naming the
// organization and its file. Files are never created here: a registered org
// whose file is missing is a failure, not a fresh empty database.
func (r *Registry) MigrateAll(ctx context.Context, migs sqlite.Migrations, parallel int, report func(MigrateResult)) error {
	orgs, err := r.List(ctx)
	if err != nil {
		return err
	}
	if parallel <= 0 {
		parallel = 4
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for _, org := range orgs {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			path, err := r.OrgPath(org.ID)
			if err != nil {
				return err
			}
			from, to, err := migs.MigrateFile(gctx, path, false)
			if err != nil {
				return fmt.Errorf("migrate org %s (id %s, file %s): %w", org.Slug, org.ID, path, err)
			}
			if report != nil {
				report(MigrateResult{Org: org, From: from, To: to})
			}
			return nil
		})
	}
	return g.Wait()
}
