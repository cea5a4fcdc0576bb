// Package paired runs a benchmark as a pair, ingot against DuckDB doing the
// same operation, and reports their time ratio in a way that survives a
// noisy machine.
//
// Timing each engine in its own sub-benchmark (engine=ingot, engine=duckdb)
// gives throughput, but on a shared machine the load drifts between the two
// runs and their ratio swings by 2x. The third sub-benchmark, "paired",
// alternates the two operations inside every iteration, so both see the same
// load, and reports the median of the per-iteration ratios. It knows nothing
// of either engine: it only calls the two functions it is given.
package paired

import (
	"sort"
	"testing"
	"time"
)

// Pair is one operation done by both engines. Each function performs the
// operation once and fails b on error.
type Pair struct {
	// Rows and Bytes are processed per operation, for rows/s and MB/s.
	Rows, Bytes int64
	Ingot       func(b *testing.B)
	DuckDB      func(b *testing.B)
}

// Metric is the unit of the reported ratio: ingot time / DuckDB time.
const Metric = "ingot/duckdb"

// Run runs the sub-benchmarks engine=ingot, engine=duckdb and paired.
func Run(b *testing.B, p Pair) {
	for _, e := range []struct {
		name string
		op   func(*testing.B)
	}{{"engine=ingot", p.Ingot}, {"engine=duckdb", p.DuckDB}} {
		b.Run(e.name, func(b *testing.B) {
			b.SetBytes(p.Bytes)
			for b.Loop() {
				e.op(b)
			}
			b.ReportMetric(float64(p.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
	b.Run("paired", func(b *testing.B) { runPaired(b, p) })
}

// runPaired is the body of the paired sub-benchmark.
func runPaired(b *testing.B, p Pair) {
	var ratios []float64
	i := 0
	for b.Loop() {
		// Alternate which engine goes first, so neither always runs
		// with the other's garbage or warm page cache behind it.
		first, second := p.Ingot, p.DuckDB
		if i%2 == 1 {
			first, second = second, first
		}
		t0 := time.Now()
		first(b)
		t1 := time.Now()
		second(b)
		t2 := time.Now()
		a, d := t1.Sub(t0), t2.Sub(t1)
		if i%2 == 1 {
			a, d = d, a
		}
		ratios = append(ratios, float64(a)/float64(d))
		i++
	}
	b.ReportMetric(Median(ratios), Metric)
}

// Median of xs (0 for none); xs is sorted in place.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}
