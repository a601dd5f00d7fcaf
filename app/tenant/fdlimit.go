package tenant

import (
	"syscall"

	"sportsapp/app/sqlite"
)

// Descriptors per open organization, at most: the writer's connection
// (database and WAL), each reader's (the same two), the shared-memory file
// (one per file in the process), and Litestream's replication of it (its
// own connection's two plus the descriptor it keeps on the database).
// Readers connect lazily and close when idle, so an idle open org holds far
// fewer; the cap below is sized for the worst case so that it can never
// exhaust the process's descriptors.
func fdsPerOrg(readers int) int {
	if readers <= 0 {
		readers = sqlite.DefaultReaders
	}
	return 2 + 2*readers + 1 + 3
}

// Bounds of the default pool cap. Below the floor a machine cannot serve
// many organizations at all (raise the file limit); above the ceiling the
// open orgs' page caches cost more memory than re-opening saves.
const (
	minDefaultOpen = 32
	maxDefaultOpen = 4096
	// fdReserve is left for everything else: client connections, the
	// platform database, the replica client, logs.
	fdReserve = 1024
)

// RaiseFileLimit raises the process's soft limit on open files to its hard
// limit (the soft default is often 1,024 while the hard one allows far
// more) and returns the limit in force.
func RaiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		raised := lim
		raised.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			lim = raised
		}
	}
	return lim.Cur, nil
}

// DefaultMaxOpen derives the pool's cap from the file limit in force:
// three quarters of what is left after fdReserve, divided by the worst-case
// descriptors of one open org, between 32 and 4,096.
func DefaultMaxOpen(readers int) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 256
	}
	return maxOpenFor(lim.Cur, readers)
}

func maxOpenFor(limit uint64, readers int) int {
	avail := int64(limit) - fdReserve
	n := int(avail * 3 / 4 / int64(fdsPerOrg(readers)))
	return min(max(n, minDefaultOpen), maxDefaultOpen)
}
