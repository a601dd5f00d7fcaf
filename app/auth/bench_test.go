package auth

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkHash64 runs 64 concurrent HashPassword calls per iteration (the
// 64 concurrent sign-ups of issue 11) and reports the p95 latency of one
// call and the process's peak RSS. "unbounded" is a gate with a slot per
// caller, i.e. the behaviour before the gate. Run one at a time, the peak
// is per process:
//
//	go test -run '^$' -bench 'Hash64/gated' -benchtime 5x ./app/auth/
//	go test -run '^$' -bench 'Hash64/unbounded' -benchtime 5x ./app/auth/
func BenchmarkHash64(b *testing.B) {
	for _, bc := range []struct {
		name string
		gate *Gate
	}{
		{"gated", DefaultGate()},
		{"unbounded", NewGate(64, 0, time.Minute)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			prev := SetGate(bc.gate)
			defer SetGate(prev)
			resetPeakRSS()
			var (
				mu    sync.Mutex
				lat   []time.Duration
				busy  int
				start = time.Now()
			)
			for b.Loop() {
				var wg sync.WaitGroup
				for range 64 {
					wg.Go(func() {
						t0 := time.Now()
						_, err := HashPassword(ctx, "correct horse battery staple")
						d := time.Since(t0)
						mu.Lock()
						defer mu.Unlock()
						if err != nil {
							busy++
							return
						}
						lat = append(lat, d)
					})
				}
				wg.Wait()
			}
			elapsed := time.Since(start)
			slices.Sort(lat)
			hwm, rss := procStatus("VmHWM"), procStatus("VmRSS")
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)*95/100].Milliseconds()), "p95-ms")
				b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
			}
			b.ReportMetric(hwm, "peak-RSS-MB")
			b.ReportMetric(float64(busy), "busy")
			fmt.Fprintf(os.Stderr, "%s: GOMAXPROCS=%d, %d hashes in %v, p95 %v, peak RSS %.0f MB, RSS now %.0f MB, %d refused busy\n",
				bc.name, runtime.GOMAXPROCS(0), len(lat), elapsed.Round(time.Millisecond), pct(lat, 95), hwm, rss, busy)
		})
	}
}

func pct(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[len(lat)*p/100].Round(time.Millisecond)
}

// resetPeakRSS returns freed memory to the system and resets VmHWM (Linux:
// writing 5 to clear_refs), so a sub-benchmark's peak is its own.
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// procStatus returns a field of /proc/self/status in MB (0 if unknown).
func procStatus(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
