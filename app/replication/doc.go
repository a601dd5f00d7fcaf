// Package replication backs up every SQLite file of the platform
// continuously to S3 (or a directory) with Litestream v0.5, running inside
// the application process as a library, and restores them.
//
// Why in process: one binary and one configuration to deploy; databases are
// added as organizations are created (Add), without a Litestream config
// file to regenerate and a second daemon to restart; and the application
// can report replication status per organization.
//
// How it is wired: one litestream.Store for the whole fleet (its
// compaction and snapshot monitors walk every database in turn), and per
// database one litestream.DB (Litestream's own connection to the file,
// through the same modernc.org/sqlite driver the application uses) with one
// litestream.Replica whose client comes from Litestream's own URL factory,
// so the app and the stock `litestream` CLI read SPORTSAPP_REPLICA_URL the
// same way. Litestream ships the WAL: it holds a read transaction so SQLite
// cannot checkpoint frames it has not copied, copies new frames into LTX
// files (in the ".<file>-litestream" directory next to the database), and
// uploads them, retrying with backoff on errors. The application's writes
// never wait for the network.
//
// Replica layout, per database name ("platform", "orgs/<org-id>"):
//
//	S3:   <prefix>/<name>/<level>/<min-txid>-<max-txid>.ltx   (level 0000..0003, 0009)
//	file: <dir>/<name>/ltx/<level>/<min-txid>-<max-txid>.ltx  (level 0..3, 9)
//
// Litestream also creates two tables in every replicated database,
// _litestream_seq and _litestream_lock, and sets journal_mode=WAL; both are
// harmless to the application and are restored with the data.
//
// See docs/restore.md for the operator's runbook.
package replication
