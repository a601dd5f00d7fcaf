package loadtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest value with at least p% of the values
// at or below it. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// median returns the middle of xs (the mean of the two middle values for
// an even count), or NaN for none. xs is not changed.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// medianDuration is median for durations.
func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	if len(xs) == 0 {
		return 0
	}
	return time.Duration(median(xs))
}

// Dist is how a run picks the organization of each request among n.
type Dist string

// The distributions of -dist.
const (
	Uniform Dist = "uniform" // every organization equally likely
	Zipf    Dist = "zipf"    // a few organizations get most requests (s = 1.1)
)

// zipfS is the Zipf exponent: with s = 1.1 over 1,000 orgs the busiest
// org gets about 14% of the requests and the top 10% of orgs about 70%.
const zipfS = 1.1

// picker returns a function choosing an index in [0, n) by dist, drawing
// from its own generator seeded with seed (one per client goroutine, so
// clients never contend on a lock). Zipf rank 0, the busiest, is index 0.
func picker(dist Dist, n int, seed uint64) func() int {
	r := rand.New(rand.NewPCG(seed, seed^0x10ad7e57))
	if n <= 1 {
		return func() int { return 0 }
	}
	if dist == Zipf {
		z := rand.NewZipf(r, zipfS, 1, uint64(n-1))
		return func() int { return int(z.Uint64()) }
	}
	return func() int { return r.IntN(n) }
}
