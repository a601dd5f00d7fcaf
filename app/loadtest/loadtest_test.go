package loadtest

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", ms(7), 99, 7 * time.Millisecond},
		{"p50 of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p50 of five is the middle", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"p99 of 100 is the 99th", ms(seq(1, 100)...), 99, 99 * time.Millisecond},
		{"p100 is the largest", ms(1, 2, 3), 100, 3 * time.Millisecond},
		{"a tiny p is the smallest", ms(1, 2, 3), 0.1, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{0.4}, 0.4},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.xs)
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
		if !slices.Equal(tt.xs, in) {
			t.Errorf("median reordered its input: %v, was %v", tt.xs, in)
		}
	}
	if got := median(nil); !math.IsNaN(got) {
		t.Errorf("median(nil) = %v, want NaN", got)
	}
}

func TestPickerZipf(t *testing.T) {
	const n, draws = 1000, 100_000
	counts := make([]int, n)
	pick := picker(Zipf, n, 1)
	for range draws {
		i := pick()
		if i < 0 || i >= n {
			t.Fatalf("zipf picked %d, outside [0, %d)", i, n)
		}
		counts[i]++
	}
	for i := 1; i < 10; i++ {
		if counts[0] <= counts[i] {
			t.Errorf("zipf: org 0 got %d requests, org %d got %d: the first should be the busiest", counts[0], i, counts[i])
		}
	}
	top := 0
	for _, c := range counts[:n/10] {
		top += c
	}
	if top < draws/2 {
		t.Errorf("zipf: the top 10%% of orgs got %d of %d requests, want most of them", top, draws)
	}
	again := picker(Zipf, n, 1)
	replay := picker(Zipf, n, 1)
	for range 100 {
		if a, b := again(), replay(); a != b {
			t.Fatalf("zipf with the same seed differs: %d, %d", a, b)
		}
	}
}

func TestPickerUniform(t *testing.T) {
	const n = 10
	seen := map[int]bool{}
	pick := picker(Uniform, n, 7)
	for range 1000 {
		i := pick()
		if i < 0 || i >= n {
			t.Fatalf("uniform picked %d, outside [0, %d)", i, n)
		}
		seen[i] = true
	}
	if len(seen) != n {
		t.Errorf("uniform reached %d of %d orgs in 1,000 draws", len(seen), n)
	}
	for _, d := range []Dist{Uniform, Zipf} {
		if got := picker(d, 1, 3)(); got != 0 {
			t.Errorf("%s over one org picked %d", d, got)
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{rate(0), "0"},
		{rate(999.6), "1,000"},
		{rate(12345), "12,345"},
		{rate(1234567), "1,234,567"},
		{rate(math.NaN()), ""},
		{ms(1250 * time.Microsecond), "1.25"},
		{mb(3 << 20), "3.0"},
		{ratio(0.354), "0.35"},
		{count(1, "org"), "1 org"},
		{count(10000, "org"), "10,000 orgs"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestFormatTable(t *testing.T) {
	var b strings.Builder
	err := formatTable(&b, []row{
		{Measure: "1 anonymous home / bare", Goal: ">= 0.35", Result: "0.41", RPS: "12,345", Note: "runs: 0.40 0.41"},
		{Measure: "7 start-up", Result: "1.20 s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want a header and 2 rows:\n%s", len(lines), b.String())
	}
	col := strings.Index(lines[0], "result")
	for _, l := range lines {
		if l != strings.TrimRight(l, " ") {
			t.Errorf("trailing spaces in %q", l)
		}
	}
	if got := lines[1][col:]; !strings.HasPrefix(got, "0.41 ") {
		t.Errorf("result column of row 1 starts %q, want 0.41 aligned under the header", got)
	}
	if got := lines[2][col:]; !strings.HasPrefix(got, "1.20 s ") {
		t.Errorf("result column of row 2 starts %q, want 1.20 s", got)
	}
	if got, want := strings.Fields(lines[2]), []string{"7", "start-up", "-", "1.20", "s", "-", "-", "-", "-", "-", "-", "-", "-", "-"}; !slices.Equal(got, want) {
		t.Errorf("row 2 fields %q, want %q (empty cells print as -)", got, want)
	}
}

func TestThroughputRow(t *testing.T) {
	run := func(ok int, lat ...time.Duration) runResult {
		return runResult{OK: ok, Elapsed: time.Second, Latencies: lat, After: procSample{RSS: int64(ok) << 20, FDs: ok}}
	}
	p := &pairs{
		app:  []runResult{run(40, time.Millisecond, 3*time.Millisecond), run(30, 2*time.Millisecond), run(50, time.Millisecond)},
		base: []runResult{run(100, time.Millisecond), run(100, time.Millisecond), run(100, time.Millisecond)},
	}
	got := throughputRow("1 anonymous home / bare", ">= 0.35", p)
	want := row{Measure: "1 anonymous home / bare", Goal: ">= 0.35", Result: "0.40", RPS: "40", BaseRPS: "100",
		P50: "1.00", P99: "2.00", BaseP50: "1.00", BaseP99: "1.00", RSS: "50.0", FDs: "50", Note: "runs: 0.40 0.30 0.50"}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := throughputRow("x", "", nil); got.Result != "not measured" {
		t.Errorf("no runs: result %q", got.Result)
	}
}

func TestWritesRow(t *testing.T) {
	run := func(ok int) runResult {
		return runResult{OK: ok, Elapsed: time.Second, Latencies: []time.Duration{time.Millisecond, 3 * time.Millisecond}, After: procSample{RSS: 80 << 20, FDs: 400}}
	}
	got := writesRow("10 writes, many orgs", []writeSample{
		{orgs: 32, run: run(4000), synced: true, catchUp: 500 * time.Millisecond},
		{orgs: 32, run: run(5000), synced: false, catchUp: 3 * time.Minute},
	})
	want := row{Measure: "10 writes, many orgs", Goal: "reported", Result: "4,500 writes/s", RPS: "5,000",
		P50: "1.00", P99: "3.00", RSS: "80.0", FDs: "400",
		Note: "POST /profile on 32 orgs; every replica in sync this long after the run (s, by start; > not within -sync-wait): 0.5 >180"}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := writesRow("x", nil); got.Result != "not measured" {
		t.Errorf("no runs: result %q", got.Result)
	}
}

func TestVmRSS(t *testing.T) {
	status := "Name:\tloadtest\nVmPeak:\t  999 kB\nVmRSS:\t   2048 kB\nThreads:\t4\n"
	if got, want := vmRSS([]byte(status)), int64(2048*1024); got != want {
		t.Errorf("vmRSS = %d, want %d", got, want)
	}
	if got := vmRSS([]byte("Name:\tx\n")); got != 0 {
		t.Errorf("no VmRSS line: %d, want 0", got)
	}
}
