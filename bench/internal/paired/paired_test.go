package paired

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"one", []float64{3}, 3},
		{"odd-unsorted", []float64{5, 1, 3}, 3},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"outlier-ignored", []float64{1, 1, 1, 100}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Median(tc.in); got != tc.want {
				t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// A pair whose ingot side sleeps four times as long must report a ratio
// near 4 (whichever engine runs first in an iteration), and the swapped pair
// near 1/4: a ratio stuck at 1, or inverted, would make every reported
// number meaningless.
func TestPairedRatio(t *testing.T) {
	slow := func(*testing.B) { time.Sleep(4 * time.Millisecond) }
	fast := func(*testing.B) { time.Sleep(time.Millisecond) }
	for _, tc := range []struct {
		name     string
		p        Pair
		min, max float64
	}{
		{"ingot-slower", Pair{Ingot: slow, DuckDB: fast}, 2.5, 6},
		{"ingot-faster", Pair{Ingot: fast, DuckDB: slow}, 1.0 / 6, 1 / 2.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := testing.Benchmark(func(b *testing.B) { runPaired(b, tc.p) })
			got, ok := r.Extra[Metric]
			if !ok || got < tc.min || got > tc.max {
				t.Errorf("ratio = %v (reported: %v), want in [%v, %v]", got, ok, tc.min, tc.max)
			}
		})
	}
}
