package replication

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/superfly/ltx"
)

// Info is what a replica holds for one database, enough for an operator to
// choose a restore timestamp.
//
// Litestream v0.5 has no generations (v0.3 had): a replica is one linear
// sequence of transactions (TXIDs), stored as LTX files on levels. Level 0
// has one file per sync (about one per second while the database changes);
// levels 1, 2 and 3 merge them every 30 s, 5 min and 1 h; level 9 holds
// full snapshots. Level-0 files are deleted 5 minutes after they are merged
// into level 1, so a point-in-time restore is precise to about a second for
// the last few minutes and to about 30 s before that.
type Info struct {
	// Name is the replica name ("platform", "orgs/<id>").
	Name string
	// URL is the replica URL, as the stock `litestream restore` takes it.
	URL string
	// Earliest is the oldest time a timestamp restore can reach: the time
	// of the oldest snapshot (or first sync) still held. Zero if empty.
	Earliest time.Time
	// Latest is the time of the newest change the replica holds; a restore
	// without a timestamp returns that state.
	Latest time.Time
	// MaxTXID is the newest transaction in the replica (0 if empty).
	MaxTXID uint64
	// Levels lists the levels that hold files, lowest first.
	Levels []LevelInfo
	// Snapshots lists the full snapshots (level 9), oldest first.
	Snapshots []FileInfo
}

// LevelInfo summarises one LTX level, to show how much history each level
// holds and how fine-grained it is.
type LevelInfo struct {
	// Level is 0 (one file per sync), 1-3 (compactions) or 9 (snapshots).
	Level int
	// Files and Bytes count the level's objects.
	Files int
	Bytes int64
	// MinTXID and MaxTXID are the transaction range the level covers.
	MinTXID, MaxTXID uint64
	// First and Last are the times of the oldest and newest file.
	First, Last time.Time
}

// FileInfo is one LTX file in the replica (snapshots are listed so an
// operator can see which restore points are cheap).
type FileInfo struct {
	Level int
	// MinTXID and MaxTXID are the transactions the file covers.
	MinTXID, MaxTXID uint64
	// Size is the object's size in bytes.
	Size int64
	// CreatedAt is when Litestream picked the changes up from the WAL
	// (the LTX header timestamp, millisecond precision).
	CreatedAt time.Time
}

// Empty reports whether the replica holds nothing for the name.
func (i Info) Empty() bool { return i.MaxTXID == 0 }

// timeFormat shows milliseconds, the precision of Litestream's timestamps,
// so that a time copied from Describe's output restores exactly that state.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// String renders the info for an operator's terminal.
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "replica %s\n", i.URL)
	if i.Empty() {
		b.WriteString("  empty: no backup under this name\n")
		return b.String()
	}
	fmt.Fprintf(&b, "  restorable from %s to %s (latest transaction %s)\n",
		i.Earliest.Format(timeFormat), i.Latest.Format(timeFormat), ltx.TXID(i.MaxTXID))
	for _, l := range i.Levels {
		fmt.Fprintf(&b, "  level %d: %d files, %d bytes, txid %s-%s, %s to %s\n", l.Level, l.Files, l.Bytes,
			ltx.TXID(l.MinTXID), ltx.TXID(l.MaxTXID), l.First.Format(timeFormat), l.Last.Format(timeFormat))
	}
	for _, s := range i.Snapshots {
		fmt.Fprintf(&b, "  snapshot txid %s at %s (%d bytes)\n", ltx.TXID(s.MaxTXID), s.CreatedAt.Format(timeFormat), s.Size)
	}
	return b.String()
}

// Describe lists what the replica holds for name. It reads every object's
// timestamp (one request per object on S3), so it is meant for operators,
// not for health checks.
func Describe(ctx context.Context, cfg Config, name string) (Info, error) {
	target, err := ParseTarget(cfg.URL)
	if err != nil {
		return Info{}, err
	}
	client, err := target.client(name)
	if err != nil {
		return Info{}, err
	}
	return describe(ctx, target, client, name, true)
}

// describe lists every level of one replica. With exact set it reads each
// object's Litestream timestamp (the one a timestamp restore compares
// against; one HEAD request per object on S3); without, S3 objects carry
// their LastModified time, in whole seconds, which is enough to tell an
// empty replica from one with data.
func describe(ctx context.Context, target Target, client litestream.ReplicaClient, name string, exact bool) (Info, error) {
	info := Info{Name: name, URL: target.URL(name)}
	for level := 0; level <= litestream.SnapshotLevel; level++ {
		itr, err := client.LTXFiles(ctx, level, 0, exact)
		if err != nil {
			return Info{}, fmt.Errorf("list %s level %d: %w", info.URL, level, err)
		}
		l := LevelInfo{Level: level}
		for itr.Next() {
			f := itr.Item()
			fi := FileInfo{Level: level, MinTXID: uint64(f.MinTXID), MaxTXID: uint64(f.MaxTXID), Size: f.Size, CreatedAt: f.CreatedAt.UTC()}
			addFile(&info, &l, fi)
		}
		if err := itr.Close(); err != nil {
			return Info{}, fmt.Errorf("list %s level %d: %w", info.URL, level, err)
		}
		if l.Files > 0 {
			info.Levels = append(info.Levels, l)
		}
	}
	return info, nil
}

// addFile folds one file into the level summary and the restorable range.
func addFile(info *Info, l *LevelInfo, f FileInfo) {
	l.Files++
	l.Bytes += f.Size
	if l.MinTXID == 0 || f.MinTXID < l.MinTXID {
		l.MinTXID = f.MinTXID
	}
	l.MaxTXID = max(l.MaxTXID, f.MaxTXID)
	if l.First.IsZero() || f.CreatedAt.Before(l.First) {
		l.First = f.CreatedAt
	}
	if f.CreatedAt.After(l.Last) {
		l.Last = f.CreatedAt
	}

	info.MaxTXID = max(info.MaxTXID, f.MaxTXID)
	if f.CreatedAt.After(info.Latest) {
		info.Latest = f.CreatedAt
	}
	// A restore starts from a snapshot or from the very first transaction;
	// the oldest such file is the oldest state that can be rebuilt.
	if f.Level == litestream.SnapshotLevel || f.MinTXID == 1 {
		if info.Earliest.IsZero() || f.CreatedAt.Before(info.Earliest) {
			info.Earliest = f.CreatedAt
		}
		if f.Level == litestream.SnapshotLevel {
			info.Snapshots = append(info.Snapshots, f)
		}
	}
}

// HasBackup reports whether the replica holds anything under name. It
// stops at the first file it finds and reads no object (one listing per
// level at most), so a command can afford it before it creates a database
// that would replicate under name: a new database replicated over an
// existing replica would continue, and so bury, that replica's history.
// An error means the replica could not be listed (wrong URL, credentials,
// network): the answer is unknown, not "no".
func HasBackup(ctx context.Context, cfg Config, name string) (bool, error) {
	target, err := ParseTarget(cfg.URL)
	if err != nil {
		return false, err
	}
	client, err := target.client(name)
	if err != nil {
		return false, err
	}
	for level := 0; level <= litestream.SnapshotLevel; level++ {
		itr, err := client.LTXFiles(ctx, level, 0, false)
		if err != nil {
			return false, fmt.Errorf("list %s level %d: %w", target.URL(name), level, err)
		}
		found := itr.Next()
		err = itr.Err()
		if cerr := itr.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return false, fmt.Errorf("list %s level %d: %w", target.URL(name), level, err)
		}
		if found {
			return true, nil
		}
	}
	return false, nil
}
