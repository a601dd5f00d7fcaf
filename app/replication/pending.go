package replication

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Pending remembers, across a crash, which organizations may hold changes
// that are not in the replica yet: one empty marker file per organization
// id in a directory of its own (never a database file, so creating and
// removing markers touches no SQLite lock).
//
// Organizations are replicated from their first write after the pool
// opens them (tenant.PoolOptions.OnFirstWrite), not when opened, so after
// a crash an organization that is only read would never ship what the
// crash left unshipped. The server marks an organization before
// registering it, clears the mark once its release's final sync succeeded,
// clears every mark after a clean shutdown's final syncs, and at start-up
// ships the organizations still marked: the work follows the organizations
// written just before a crash, never the whole fleet.
type Pending struct{ dir string }

// NewPending returns the markers kept in dir, creating it.
func NewPending(dir string) (*Pending, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Pending{dir: dir}, nil
}

// Mark records that id may soon have unshipped changes.
func (p *Pending) Mark(id string) error {
	if err := validID(id); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(p.dir, id), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// Clear forgets id's mark (no error if there is none).
func (p *Pending) Clear(id string) error {
	if err := validID(id); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(p.dir, id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// List returns the marked ids, sorted.
func (p *Pending) List() ([]string, error) {
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() && validID(e.Name()) == nil {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// ClearAll forgets every mark (after a clean shutdown shipped everything).
func (p *Pending) ClearAll() error {
	ids, err := p.List()
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		errs = append(errs, p.Clear(id))
	}
	return errors.Join(errs...)
}

// validID accepts an organization id that is one segment of a replica
// name (so a marker is always a file directly in the directory).
func validID(id string) error {
	if strings.ContainsAny(id, "/\\") {
		return fmt.Errorf("invalid organization id %q", id)
	}
	return ValidateName("orgs/" + id)
}
