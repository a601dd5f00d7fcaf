package sqlite

import (
	"fmt"
	"os"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
)

// SQLite gives every connection a lookaside area: 100 slots of 1,200 bytes
// for its small allocations, taken when the connection opens. With a
// thousand organizations open, that is most of what separates an open
// organization from a closed one after its schema and page cache
// (measured on 300 open light organizations: 279 KB each with it, 235 KB
// without; 1,000 open in the load harness: 428 -> 375 MB). The
// allocations it serves go to the driver's allocator instead, which cost
// nothing measurable on the warm pages (BenchmarkMemberHomeNotKept). The
// setting is process-wide and must come before the first connection, so
// it is made when this package is initialised; Litestream's connections
// (same driver) get it too.
func init() {
	if rc := disableLookaside(); rc != lib.SQLITE_OK {
		// SQLITE_MISUSE: something opened a connection first. Harmless:
		// connections keep the default lookaside.
		fmt.Fprintf(os.Stderr, "sqlite: lookaside left on (sqlite3_config: %d)\n", rc)
	}
}

func disableLookaside() int32 {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.NewVaList(int32(0), int32(0)) // slot size 0, count 0: none
	if va == 0 {
		return lib.SQLITE_NOMEM
	}
	defer libc.Xfree(tls, va)
	return lib.Xsqlite3_config(tls, lib.SQLITE_CONFIG_LOOKASIDE, va)
}
