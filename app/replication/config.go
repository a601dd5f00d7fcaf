package replication

import (
	"io"
	"log/slog"
	"time"

	"github.com/benbjohnson/litestream"
)

// Config configures replication. The zero values of the durations take
// Litestream's defaults, which are what its documentation and operators
// expect.
type Config struct {
	// URL is SPORTSAPP_REPLICA_URL: "s3://bucket/prefix?endpoint=...&region=...",
	// "file:///abs/dir" or a plain directory path. See ParseTarget.
	URL string
	// SyncInterval is how often WAL changes are picked up and shipped
	// (default 1s). It bounds how much committed data a lost machine loses.
	SyncInterval time.Duration
	// SnapshotInterval is how often a full snapshot of each changed
	// database is written (default 24h). Snapshots bound restore time.
	SnapshotInterval time.Duration
	// Retention is how long snapshots, and the changes after them, are kept
	// (default 24h): how far back a point-in-time restore can reach. The
	// oldest snapshot is always kept, so the window is between Retention and
	// Retention+SnapshotInterval.
	Retention time.Duration
	// Logger receives Litestream's warnings and errors, each with the
	// database; nil discards them.
	Logger *slog.Logger
	// ShipOnly turns off compaction and snapshots: the replicator only
	// uploads changes. A short-lived CLI process uses it; the server
	// compacts when it next replicates the database. (Litestream v0.5.18's
	// snapshot monitor also races with unregistering a database it is
	// snapshotting, which a process that ships and exits would hit.)
	ShipOnly bool
}

// withDefaults fills in the zero fields.
func (c Config) withDefaults() Config {
	if c.SyncInterval <= 0 {
		c.SyncInterval = litestream.DefaultSyncInterval
	}
	if c.SnapshotInterval <= 0 {
		c.SnapshotInterval = litestream.DefaultSnapshotInterval
	}
	if c.Retention <= 0 {
		c.Retention = litestream.DefaultSnapshotRetention
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}
