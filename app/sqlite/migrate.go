package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// Migrations is a set of versioned goose migrations (NNNN_name.sql at the
// root of the file system).
type Migrations struct {
	fsys fs.FS
}

// NewMigrations returns the migration set found under dir in fsys.
func NewMigrations(fsys fs.FS, dir string) (Migrations, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return Migrations{}, err
	}
	return Migrations{fsys: sub}, nil
}

func (m Migrations) provider(db *sql.DB) (*goose.Provider, error) {
	return goose.NewProvider(goose.DialectSQLite3, db, m.fsys,
		goose.WithDisableGlobalRegistry(true))
}

// Up applies every pending migration to db and returns the version it
// started from and the version it reached. Each migration runs in its own
// transaction, so a failing migration leaves the previous version intact.
func (m Migrations) Up(ctx context.Context, db *sql.DB) (from, to int64, err error) {
	p, err := m.provider(db)
	if err != nil {
		return 0, 0, err
	}
	from, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return from, from, err
	}
	to, err = p.GetDBVersion(ctx)
	return from, to, err
}

// Check returns an error unless db is at the latest version. Requests never
// migrate; opening a database that is behind fails with a message that says
// to run the migrate command.
func (m Migrations) Check(ctx context.Context, db *sql.DB) error {
	p, err := m.provider(db)
	if err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return err
	}
	if current != target {
		return fmt.Errorf("schema version %d, want %d: run `sportsapp migrate`", current, target)
	}
	return nil
}

// MigrateFile opens path (creating it if create is set), applies pending
// migrations and closes it.
func (m Migrations) MigrateFile(ctx context.Context, path string, create bool) (from, to int64, err error) {
	db, err := Open(ctx, path, Options{Readers: 1, Create: create})
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	return m.Up(ctx, db.W)
}
