package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// Migrations is a set of versioned goose migrations (NNNN_name.sql at the
// root of the file system).
//
// Goose records what it applied in its goose_db_version table; Up also
// stamps the reached version into the file's PRAGMA user_version, a field
// of the database header. Opening an organization's database then checks
// its version with one pragma read (Version) instead of a goose query,
// which matters when thousands of organizations are opened and closed.
type Migrations struct {
	fsys   fs.FS
	latest int64
}

// NewMigrations returns the migration set found under dir in fsys.
func NewMigrations(fsys fs.FS, dir string) (Migrations, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return Migrations{}, err
	}
	names, err := fs.Glob(sub, "*.sql")
	if err != nil {
		return Migrations{}, err
	}
	var latest int64
	for _, n := range names {
		i := strings.IndexByte(n, '_')
		if i <= 0 {
			return Migrations{}, fmt.Errorf("migration %s: want NNNN_name.sql", n)
		}
		v, err := strconv.ParseInt(n[:i], 10, 64)
		if err != nil {
			return Migrations{}, fmt.Errorf("migration %s: want NNNN_name.sql", n)
		}
		latest = max(latest, v)
	}
	return Migrations{fsys: sub, latest: latest}, nil
}

// Latest is the version the newest migration brings a database to.
func (m Migrations) Latest() int64 { return m.latest }

// Version reads the version stamped by Up in the file's header (PRAGMA
// user_version): 0 for a file never migrated by this code, which Up then
// brings up to date (goose skips what is already applied) and stamps.
func Version(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
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
	if err != nil {
		return from, to, err
	}
	// PRAGMA takes no bound parameters; to is an int64 from goose.
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", to)); err != nil {
		return from, to, fmt.Errorf("stamp schema version %d: %w", to, err)
	}
	return from, to, nil
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
