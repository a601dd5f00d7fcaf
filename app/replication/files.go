package replication

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/benbjohnson/litestream"
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkDatabaseFile refuses paths that are not SQLite databases, so a
// wrong path fails in Add instead of replicating nothing forever
// (Litestream silently waits for a missing file to appear).
func checkDatabaseFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("replicate %s: the database file does not exist", path)
		}
		return fmt.Errorf("replicate %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("replicate %s: not a regular file", path)
	}
	if fi.Size() == 0 {
		return nil // a database SQLite has created but not written yet
	}
	buf := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, buf); err != nil || !bytes.Equal(buf, sqliteHeader) {
		return fmt.Errorf("replicate %s: not an SQLite database", path)
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
