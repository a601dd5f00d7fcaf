package replication

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sportsapp/app/sqlite"
)

// childReaderEnv makes the test binary act as an outside reader (TestMain):
// open the database named by the variable the way the sqlite3 shell does
// (read-write, no pragmas), read, close, exit.
const childReaderEnv = "SPORTSAPP_TEST_OUTSIDE_READER"

// outsideReader is the child process: what an operator's `sqlite3 org.db
// "select count(*) from items"` or a backup script does next to a live
// server. If the server has lost its locks, this process's close believes
// it is the last connection, checkpoints and deletes the -wal.
func outsideReader(path string) int {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := db.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println(n)
	return 0
}

// TestServerKeepsItsLocks is the regression test for issue 10: Add used to
// os.Open and Close the database file, which on Linux drops every POSIX
// lock this process holds on it; another process then deleted the WAL under
// the running server. Add (at start, on every pool open and in the old
// reconcile loop) must leave the locks alone, and an outside reader next to
// a writing server must change nothing.
func TestServerKeepsItsLocks(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/locks")
	}
	t.Parallel()
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "orgs", "one.db")
	s3 := startFakeS3(t)
	url := s3.url("locks")
	r, logs := newReplicator(t, url)
	db := createAppDB(t, path)
	db.insert(t, "A", 10)
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM items`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if locksHeld(t, path) == 0 {
		t.Fatal("precondition: the open database holds no lock before Add")
	}

	// Every path that used to open the file: Add at start, then again on
	// each pool open and (before issue 12) every reconcile pass. After each,
	// an outside process reads the database while the server keeps reading
	// and, between rounds, writing.
	var written atomic.Int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { // a steady reader, like page views
		var n int
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM items`).Scan(&n); err != nil {
				done <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for i := range 3 {
		if err := r.Add(ctx, "orgs/one", path); err != nil {
			t.Fatal(err)
		}
		if got := locksHeld(t, path); got == 0 {
			t.Fatalf("after Add this process holds no POSIX lock on %s: another process may delete its WAL", filepath.Base(path))
		}
		for _, cmd := range outsideReaders(t, path) {
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("outside reader %v: %v\n%s", cmd.Args, err, out)
			}
		}
		if _, err := os.Stat(path + "-wal"); err != nil {
			t.Fatalf("round %d: the -wal is gone after an outside reader closed: %v", i, err)
		}
		for range 20 {
			if _, err := db.W.ExecContext(ctx, `INSERT INTO items (batch, body) VALUES ('W', 'w')`); err != nil {
				t.Fatalf("round %d: the server's write failed after an outside reader: %v", i, err)
			}
			written.Add(1)
		}
		if err := r.Sync(ctx, path); err != nil {
			t.Fatalf("round %d: replication after an outside reader: %v", i, err)
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("the server's reads failed while an outside reader ran: %v", err)
	}

	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("the -wal is gone after an outside reader closed: %v", err)
	}
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE batch = 'W'`).Scan(&n); err != nil || int64(n) != written.Load() {
		t.Fatalf("server read after the outside readers: %d rows, err %v; want %d", n, err, written.Load())
	}
	db.insert(t, "B", 5)
	if err := r.Sync(ctx, path); err != nil {
		t.Fatalf("replication after the outside readers: %v", err)
	}
	if strings.Contains(logs.String(), "wal header") {
		t.Fatalf("replication logged a WAL problem:\n%s", logs)
	}
	if err := sqlite.QuickCheck(ctx, path); err != nil {
		t.Fatalf("live file: %v", err)
	}
	out := filepath.Join(t.TempDir(), "restored.db")
	if err := Restore(ctx, Config{URL: url}, "orgs/one", out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	wantBatches(t, out, map[string]int{"A": 10, "B": 5, "W": int(written.Load())})
}

// outsideReaders are the other processes that read the database: this test
// binary as a child (the same driver as the app) and, where installed (CI
// installs it), the sqlite3 shell an operator would use. The shell is the
// sharper probe: on a server without its locks it deletes the WAL on its
// first close.
func outsideReaders(t *testing.T, path string) []*exec.Cmd {
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childReaderEnv+"="+path)
	cmds := []*exec.Cmd{child}
	if shell, err := exec.LookPath("sqlite3"); err == nil {
		cmds = append(cmds, exec.Command(shell, path, "SELECT count(*) FROM items"))
	} else {
		t.Log("sqlite3 is not installed: only the Go child reads the database")
	}
	return cmds
}

// locksHeld counts the POSIX locks this process holds on path's inode, as
// the kernel reports them in /proc/locks (reading /proc/locks opens no
// descriptor on the database).
func locksHeld(t *testing.T, path string) int {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	ino := strconv.FormatUint(fi.Sys().(*syscall.Stat_t).Ino, 10)
	pid := strconv.Itoa(os.Getpid())
	f, err := os.Open("/proc/locks")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "1: POSIX  ADVISORY  READ 4242 08:01:1234 1073741826 1073742335"
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "POSIX" || fields[4] != pid {
			continue
		}
		if dev := fields[5]; dev[strings.LastIndexByte(dev, ':')+1:] == ino {
			n++
		}
	}
	return n
}
