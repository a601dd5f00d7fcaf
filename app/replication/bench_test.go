package replication

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCommitToReplica measures, at the default SyncInterval (1 s), the
// time from a commit returning to its LTX object existing in the replica.
// It takes at least 20 samples whatever b.N is, to have percentiles.
func BenchmarkCommitToReplica(b *testing.B) {
	b.Run("s3", func(b *testing.B) {
		s3 := startFakeS3(b)
		commitToReplica(b, s3.url("bench"), func() int { return len(s3.keys(b, "bench/platform/0000/")) })
	})
	b.Run("file", func(b *testing.B) {
		dir := b.TempDir()
		commitToReplica(b, dir, func() int {
			ents, _ := os.ReadDir(filepath.Join(dir, "platform", "ltx", "0"))
			return len(ents)
		})
	})
}

func commitToReplica(b *testing.B, url string, objects func() int) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "platform.db")
	db := createAppDB(b, path)
	r, _ := newReplicator(b, url)
	if err := r.Add(ctx, "platform", path); err != nil {
		b.Fatal(err)
	}
	if err := r.Sync(ctx, path); err != nil {
		b.Fatal(err)
	}
	n := max(b.N, 20)
	lat := make([]time.Duration, 0, n)
	b.ResetTimer()
	for range n {
		before := objects()
		db.insert(b, "x", 1)
		start := time.Now()
		for objects() == before {
			if time.Since(start) > 30*time.Second {
				b.Fatal("commit never reached the replica")
			}
			time.Sleep(2 * time.Millisecond)
		}
		lat = append(lat, time.Since(start))
		time.Sleep(time.Duration(mrand.IntN(1000)) * time.Millisecond) // commit at a random phase of the 1 s ticks
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50_ms")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "p95_ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max_ms")
	b.ReportMetric(float64(len(lat)), "samples")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkRestore10MB measures Restore (download, rebuild, integrity
// check) of a 10 MB database.
func BenchmarkRestore10MB(b *testing.B) {
	b.Run("s3", func(b *testing.B) { restoreBench(b, startFakeS3(b).url("bench")) })
	b.Run("file", func(b *testing.B) { restoreBench(b, b.TempDir()) })
}

func restoreBench(b *testing.B, url string) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "big.db")
	db := createAppDB(b, path)
	blob := make([]byte, 2048)
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for range 2500 { // 2500 rows of 4 KB of hex: about 10 MB
			_, _ = rand.Read(blob)
			if _, err := tx.Exec(`INSERT INTO items (batch, body) VALUES ('big', ?)`, hex.EncodeToString(blob)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	r, _ := newReplicator(b, url)
	if err := r.Add(ctx, "big", path); err != nil {
		b.Fatal(err)
	}
	if err := r.Sync(ctx, path); err != nil {
		b.Fatal(err)
	}
	if err := r.Close(ctx); err != nil {
		b.Fatal(err)
	}
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	dir := b.TempDir()
	b.ResetTimer()
	for i := range b.N {
		out := filepath.Join(dir, fmt.Sprintf("r%d.db", i))
		if err := Restore(ctx, Config{URL: url}, "big", out, time.Time{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = os.Remove(out)
		b.StartTimer()
	}
	b.ReportMetric(float64(fi.Size())/1e6, "db_MB")
}

// BenchmarkFleetResources reports resident memory, goroutines and idle CPU
// of the process replicating 1, 100 and 1,000 small databases, once every
// database is in sync. The s3 figures include the in-process fake S3
// server's connection goroutines.
func BenchmarkFleetResources(b *testing.B) {
	for _, c := range []struct {
		target string
		n      int
	}{{"file", 1}, {"file", 100}, {"file", 1000}, {"s3", 1}, {"s3", 100}} {
		b.Run(fmt.Sprintf("%s/%d", c.target, c.n), func(b *testing.B) {
			url := b.TempDir()
			if c.target == "s3" {
				url = startFakeS3(b).url("fleet")
			}
			fleetResources(b, url, c.n)
		})
	}
}

func fleetResources(b *testing.B, url string, n int) {
	ctx := context.Background()
	dir := b.TempDir()
	paths := make([]string, n)
	for i := range n {
		paths[i] = filepath.Join(dir, "orgs", fmt.Sprintf("org-%04d.db", i))
		db := createAppDB(b, paths[i])
		db.insert(b, "A", 10)
		db.Close()
	}
	rss0, g0 := settle()

	b.ResetTimer()
	for range b.N {
		r, _ := newReplicator(b, url)
		for i, p := range paths {
			if err := r.Add(ctx, fmt.Sprintf("orgs/org-%04d", i), p); err != nil {
				b.Fatal(err)
			}
		}
		eventually(b, 5*time.Minute, "fleet in sync", func() bool {
			for _, s := range r.Status() {
				if !s.InSync {
					return false
				}
			}
			return true
		})
		time.Sleep(3 * time.Second) // a few sync ticks in steady state
		rss, g := settle()
		cpu := cpuTime()
		time.Sleep(5 * time.Second)
		idle := (cpuTime() - cpu).Seconds() / 5 * 100

		b.ReportMetric(float64(rss)/1024, "rss_MB")
		b.ReportMetric(float64(rss-rss0)/1024, "rss_added_MB")
		b.ReportMetric(float64(rss-rss0)/float64(n), "KB_per_db")
		b.ReportMetric(float64(g), "goroutines")
		b.ReportMetric(float64(g-g0)/float64(n), "goroutines_per_db")
		b.ReportMetric(idle, "idle_cpu_%")
		if err := r.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// settle collects garbage and returns resident memory (KB) and goroutines.
func settle() (rssKB int64, goroutines int) {
	runtime.GC()
	debug.FreeOSMemory()
	return vmRSS(), runtime.NumGoroutine()
}

// vmRSS reads the process's resident set size in KB from /proc.
func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
