package replication

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benbjohnson/litestream"

	"sportsapp/app/sqlite"
)

// checkDatabaseFile refuses paths that are not SQLite databases, so a
// wrong path fails in Add instead of replicating nothing forever
// (Litestream silently waits for a missing file to appear).
//
// It must never open the file with a plain descriptor: this process has the
// database open through SQLite, and on Linux closing any descriptor of a
// file drops every POSIX lock the process holds on it. A server without its
// locks lets another process (sqlite3, a backup script, this app's CLI)
// believe it is the last connection, checkpoint and delete the WAL under the
// server - the corruption of issue 10. So the file is checked with Stat, and
// its header is read through SQLite, whose unix VFS shares one lock table
// per inode across the process and defers closing descriptors while locks
// are held.
func checkDatabaseFile(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("replicate %s: the database file does not exist", path)
		}
		return fmt.Errorf("replicate %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("replicate %s: not a regular file", path)
	}
	if fi.Size() == 0 {
		return nil // a database SQLite has created but not written yet
	}
	db, err := sql.Open("sqlite", sqlite.InspectDSN(path))
	if err != nil {
		return fmt.Errorf("replicate %s: %w", path, err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&v); err != nil {
		return fmt.Errorf("replicate %s: not an SQLite database (%v)", path, err)
	}
	return nil
}

// MetaDir returns the directory where Litestream keeps its local state for
// dbPath: ".<file>-litestream" next to the database (for orgs/<id>.db that
// is orgs/.<id>.db-litestream). It holds the LTX files not yet compacted
// and the replication position; it is not needed to restore.
func MetaDir(dbPath string) string {
	dir, file := filepath.Split(dbPath)
	return filepath.Join(dir, "."+file+litestream.MetaDirSuffix)
}

// LocalFiles returns everything on disk that belongs to one replicated
// database: the file, its -wal and -shm, and Litestream's MetaDir. Moving a
// database aside for a restore must move all of them (after Remove);
// leaving the -wal behind would let SQLite replay old frames into the
// restored file.
func LocalFiles(dbPath string) []string {
	return []string{dbPath, dbPath + "-wal", dbPath + "-shm", MetaDir(dbPath)}
}
