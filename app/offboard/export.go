// Package offboard is data portability and offboarding (issue 17): an
// organization's export (a zip of CSV files, one per table, a README and,
// for operators, an SQLite snapshot), a member's own data as JSON, and the
// scheduled, crash-safe deletion of an organization.
//
// Every read of a live organization database goes through the tenant pool
// (a connection SQLite already has open); the export's snapshot is a
// separate file made with VACUUM INTO, and only that file is ever read with
// a plain descriptor (docs/architecture.md, "Never a plain descriptor on a
// live database").
package offboard

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sportsapp/app/sqlite"
	"sportsapp/app/tenant"
)

// table describes one table of an organization's database in the export.
type table struct {
	Name  string // in the database
	File  string // in the zip
	About string // for the README
}

// tables are the organization's own data, in the README's order. A table
// added later that is not listed here is still exported (as <name>.csv),
// without a description, unless it is in excluded.
var tables = []table{
	{"users", "people.csv", "Everyone with an account: name, email, role (member or admin), status (active or disabled), when they joined and last signed in. No passwords. A deleted account appears as \"Deleted member\" with an address ending in @deleted.invalid."},
	{"member_profiles", "member_profiles.csv", "Member details (user_id = people.csv id): date of birth, pronouns, phone, emergency contact, privacy choices."},
	{"membership_types", "membership_types.csv", "The memberships the organization sells, with their price in cents."},
	{"memberships", "memberships.csv", "Memberships bought (user_id = people.csv id): type, season, dates, price in cents, status."},
	{"payments", "payments.csv", "Payments for memberships (membership_id = memberships.csv id): amount due and received in cents, method, status, reference, who decided."},
	{"teams", "teams.csv", "Teams: name, city, province, colours."},
	{"team_members", "team_members.csv", "Team rosters (team_id = teams.csv id, user_id = people.csv id): role (captain, coach, player), status; an invitation to someone without an account has only an email."},
	{"events", "events.csv", "Events: kind, dates, venue, registration window, capacity, fees in cents."},
	{"event_registrations", "registrations.csv", "Event registrations (event_id = events.csv id, user_id = people.csv id, team_id = teams.csv id for a team registration): fee in cents, status, reference."},
	{"settings", "settings.csv", "The organization's current settings."},
	{"settings_versions", "settings_history.csv", "Every saved version of the settings, with who saved it and when."},
	{"settings_changes", "settings_changes.csv", "Field-by-field changes between settings versions (version = settings_history.csv version)."},
	{"invitations", "invitations.csv", "Invitations sent: email, name, role, when sent, accepted or revoked. No invitation links."},
	{"audit_log", "audit_log.csv", "The organization's audit log: who did what, when."},
}

// excluded tables are never exported: credentials (sessions, password
// reset links) and bookkeeping (also Litestream's _litestream_* tables).
var excluded = map[string]bool{
	"sessions": true, "password_resets": true, "goose_db_version": true, "sqlite_sequence": true,
}

// secretColumn reports whether a column holds a credential: password
// hashes, token hashes. Such columns are left out of every CSV.
func secretColumn(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, "_hash") || strings.Contains(n, "token") || strings.Contains(n, "password") || strings.Contains(n, "secret")
}

// Options chooses what an export holds.
type Options struct {
	// Database adds the SQLite snapshot (operators only; an org admin's
	// export is the CSV files).
	Database bool
}

// Tables describes the CSV files an export holds (for the pages that
// offer it); an export also has a file for any table added since.
func Tables() []File {
	out := make([]File, len(tables))
	for i, t := range tables {
		out[i] = File{Name: t.File, Table: t.Name, Rows: -1, About: t.About}
	}
	return out
}

// File is one entry of an export.
type File struct {
	Name  string
	Table string
	Rows  int64 // CSV rows (without the header); -1 for the README and the database
	About string
}

// Snapshot is a consistent copy of one organization's database, made with
// VACUUM INTO while the organization keeps serving, with its credentials
// removed. It is a file of its own: reading it never touches the live
// database's locks. Close removes it.
type Snapshot struct {
	Org  tenant.Org
	Path string
	At   time.Time
	dir  string
}

// TakeSnapshot copies db (an organization's database, open in the pool)
// into a new temporary directory under tmpDir with VACUUM INTO, on one of
// the pool's read connections: writers carry on meanwhile, and the copy
// is the database as of one transaction. The copy's sessions, password
// reset links, password hashes and invitation tokens are then erased (and
// the file vacuumed, so no erased value survives in a free page).
func TakeSnapshot(ctx context.Context, db *sqlite.DB, org tenant.Org, tmpDir string) (*Snapshot, error) {
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return nil, err
	}
	removeStale(tmpDir, staleAfter)
	dir, err := os.MkdirTemp(tmpDir, "export-")
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Org: org, Path: filepath.Join(dir, org.Slug+".sqlite"), At: time.Now().UTC(), dir: dir}
	if err := vacuumInto(ctx, db.R, s.Path); err != nil {
		s.Close()
		return nil, fmt.Errorf("snapshot %s: %w", org.Slug, err)
	}
	if err := scrub(ctx, s.Path); err != nil {
		s.Close()
		return nil, fmt.Errorf("snapshot %s: %w", org.Slug, err)
	}
	return s, nil
}

// Take snapshots org's database, acquired from the pool (opening it if it
// is not open; the organization keeps serving).
func Take(ctx context.Context, pool *tenant.Pool, org tenant.Org, tmpDir string) (*Snapshot, error) {
	h, err := pool.Acquire(ctx, org)
	if err != nil {
		return nil, err
	}
	defer h.Release()
	return TakeSnapshot(ctx, h.DB(), org, tmpDir)
}

// vacuumInto runs VACUUM INTO on a connection of the read pool. Readers are
// query_only, which refuses VACUUM INTO (it writes a file, though never the
// source), so the pragma is lifted on this one connection for the copy and
// set again before the connection goes back to the pool; if it cannot be
// set again the connection is discarded.
func vacuumInto(ctx context.Context, r *sql.DB, path string) error {
	conn, err := r.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 0"); err != nil {
		return err
	}
	_, verr := conn.ExecContext(ctx, "VACUUM INTO ?", path)
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA query_only = 1"); err != nil {
		_ = conn.Raw(func(any) error { return errDiscard })
		return errors.Join(verr, err)
	}
	return verr
}

var errDiscard = errors.New("discard connection")

// openCopy opens a snapshot file (never a live database) with one
// connection, in rollback-journal mode, so the file is self-contained
// (no -wal beside it) when closed.
func openCopy(path string, readOnly bool) (*sql.DB, error) {
	mode := "rw"
	if readOnly {
		mode = "ro"
	}
	db, err := sql.Open("sqlite", "file:"+uriPath.Replace(path)+"?mode="+mode+"&_time_format=sqlite&_pragma=busy_timeout(5000)&_pragma=journal_mode(DELETE)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// scrub erases the credentials from a snapshot.
func scrub(ctx context.Context, path string) error {
	db, err := openCopy(path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	have := map[string]bool{}
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have[n] = true
	}
	rows.Close()
	stmts := []struct{ table, sql string }{
		{"sessions", "DELETE FROM sessions"},
		{"password_resets", "DELETE FROM password_resets"},
		{"users", "UPDATE users SET password_hash = ''"},
		{"invitations", "UPDATE invitations SET token_hash = randomblob(32)"},
	}
	for _, st := range stmts {
		if !have[st.table] {
			continue
		}
		if _, err := db.ExecContext(ctx, st.sql); err != nil {
			return fmt.Errorf("%s: %w", st.sql, err)
		}
	}
	// Litestream's bookkeeping is the live file's, not the data's.
	for _, t := range []string{"_litestream_seq", "_litestream_lock"} {
		if have[t] {
			if _, err := db.ExecContext(ctx, "DROP TABLE "+quote(t)); err != nil {
				return err
			}
		}
	}
	_, err = db.ExecContext(ctx, "VACUUM")
	return err
}

// staleAfter is when a snapshot directory left by a crash (or a download
// whose body never ran) is removed by the next export.
const staleAfter = 6 * time.Hour

// removeStale removes export directories older than age under tmpDir.
func removeStale(tmpDir string, age time.Duration) {
	entries, err := os.ReadDir(tmpDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "export-") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			_ = os.RemoveAll(filepath.Join(tmpDir, e.Name()))
		}
	}
}

// Close removes the snapshot's files.
func (s *Snapshot) Close() error {
	if s == nil || s.dir == "" {
		return nil
	}
	return os.RemoveAll(s.dir)
}

// tablePlan is what the export writes for one table.
type tablePlan struct {
	table
	cols []string
	rows int64
}

// plan lists the tables to export, known ones first, with their columns
// (secrets left out) and row counts.
func plan(ctx context.Context, db *sql.DB) ([]tablePlan, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for _, n := range names {
		present[n] = true
	}
	var out []table
	known := map[string]bool{}
	for _, t := range tables {
		known[t.Name] = true
		if present[t.Name] {
			out = append(out, t)
		}
	}
	for _, n := range names {
		if !known[n] && !excluded[n] && n != "org_identity" && !strings.HasPrefix(n, "_litestream") {
			out = append(out, table{Name: n, File: n + ".csv"})
		}
	}
	var plans []tablePlan
	for _, t := range out {
		p := tablePlan{table: t}
		crows, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", t.Name)
		if err != nil {
			return nil, err
		}
		for crows.Next() {
			var c string
			if err := crows.Scan(&c); err != nil {
				crows.Close()
				return nil, err
			}
			if !secretColumn(c) {
				p.cols = append(p.cols, c)
			}
		}
		crows.Close()
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+quote(t.Name)).Scan(&p.rows); err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	return plans, nil
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// WriteZip streams the export to w: README.txt, one CSV per table and,
// with opt.Database, the snapshot itself. Nothing is held in memory beyond
// one row at a time. It returns the files written.
func (s *Snapshot) WriteZip(ctx context.Context, w io.Writer, opt Options) ([]File, error) {
	db, err := openCopy(s.Path, true)
	if err != nil {
		return nil, err
	}
	files, err := s.writeZip(ctx, db, w, opt)
	return files, err
}

func (s *Snapshot) writeZip(ctx context.Context, db *sql.DB, w io.Writer, opt Options) ([]File, error) {
	closeDB := func() error {
		if db == nil {
			return nil
		}
		err := db.Close()
		db = nil
		return err
	}
	defer closeDB()
	plans, err := plan(ctx, db)
	if err != nil {
		return nil, err
	}
	zw := zip.NewWriter(w)
	var files []File
	for _, p := range plans {
		files = append(files, File{Name: p.File, Table: p.Name, Rows: p.rows, About: p.About})
	}
	dbName := s.Org.Slug + ".sqlite"
	if err := s.writeReadme(zw, files, opt, dbName); err != nil {
		return nil, err
	}
	for _, p := range plans {
		if err := writeCSV(ctx, db, zw, p, s.At); err != nil {
			return nil, fmt.Errorf("%s: %w", p.File, err)
		}
	}
	// The snapshot's connection closes before its bytes are read.
	if err := closeDB(); err != nil {
		return nil, err
	}
	if opt.Database {
		if err := addFile(zw, dbName, s.Path, s.At); err != nil {
			return nil, err
		}
		files = append(files, File{Name: dbName, Rows: -1})
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return append([]File{{Name: "README.txt", Rows: -1}}, files...), nil
}

func create(zw *zip.Writer, name string, at time.Time) (io.Writer, error) {
	return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at})
}

// addFile copies the snapshot file (closed by SQLite, never a live
// database) into the zip.
func addFile(zw *zip.Writer, name, path string, at time.Time) error {
	f, err := os.Open(path) // the snapshot: a file of our own, no connection open on it
	if err != nil {
		return err
	}
	defer f.Close()
	out, err := create(zw, name, at)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, f)
	return err
}

// writeCSV writes one table as CSV: a header of column names, then one line
// per row in the table's order. UTF-8 with a byte-order mark, so that
// spreadsheets read accents right.
func writeCSV(ctx context.Context, db *sql.DB, zw *zip.Writer, p tablePlan, at time.Time) error {
	out, err := create(zw, p.File, at)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(out)
	if err := cw.Write(p.cols); err != nil {
		return err
	}
	if len(p.cols) == 0 {
		cw.Flush()
		return cw.Error()
	}
	qcols := make([]string, len(p.cols))
	for i, c := range p.cols {
		qcols[i] = quote(c)
	}
	rows, err := db.QueryContext(ctx, "SELECT "+strings.Join(qcols, ", ")+" FROM "+quote(p.Name)+" ORDER BY 1")
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(p.cols))
	ptrs := make([]any, len(p.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	record := make([]string, len(p.cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			record[i] = cell(v)
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// cell formats one value for a spreadsheet. Text that a spreadsheet would
// run as a formula (starting with = + - @) is prefixed with an apostrophe.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return "0"
	case time.Time:
		return v.UTC().Format("2006-01-02 15:04:05Z")
	case []byte:
		return hex.EncodeToString(v)
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	}
	return fmt.Sprint(v)
}

// writeReadme describes the export's files.
func (s *Snapshot) writeReadme(zw *zip.Writer, files []File, opt Options, dbName string) error {
	out, err := create(zw, "README.txt", s.At)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Export of %s (%s), organization id %s\n", s.Org.Name, s.Org.Slug, s.Org.ID)
	fmt.Fprintf(&b, "Taken %s, as of one moment: every file shows the same state of the data.\n\n", s.At.Format("2006-01-02 15:04:05 UTC"))
	b.WriteString("Files\n-----\n")
	b.WriteString("Each .csv file is one table: UTF-8 (with a byte-order mark, for spreadsheets), comma-separated, a header line of column names.\n")
	b.WriteString("Amounts are in cents. Times are UTC. Ids link the files (user_id is the id in people.csv, and so on).\n")
	b.WriteString("Text beginning with = + - or @ is prefixed with an apostrophe so a spreadsheet does not run it as a formula.\n")
	b.WriteString("Not exported: passwords (hashes), sessions, password reset links and invitation links.\n\n")
	for _, f := range files {
		fmt.Fprintf(&b, "%s (%d rows)\n", f.Name, f.Rows)
		if f.About != "" {
			fmt.Fprintf(&b, "    %s\n", f.About)
		} else {
			fmt.Fprintf(&b, "    The %s table.\n", f.Table)
		}
	}
	if opt.Database {
		fmt.Fprintf(&b, "%s\n    The whole database as an SQLite 3 file (open it with the sqlite3 shell or DB Browser for SQLite),\n", dbName)
		b.WriteString("    copied with VACUUM INTO while the organization kept serving. Sessions, password reset links, password\n")
		b.WriteString("    hashes and invitation links are erased from it: it is for reading the data elsewhere, not a backup to\n")
		b.WriteString("    restore (members of a new installation set a new password with \"Forgot your password?\").\n")
	}
	_, err = io.WriteString(out, strings.ReplaceAll(b.String(), "\n", "\r\n"))
	return err
}
