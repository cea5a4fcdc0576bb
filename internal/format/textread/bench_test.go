package textread

import (
	"fmt"
	"testing"
)

// benchValues times parse over a column of n rendered values, reporting
// MB/s of text and values/s.
func benchValues(b *testing.B, n int, render func(i int) string, parse func([]byte) bool) {
	vals := make([][]byte, n)
	size := 0
	for i := range vals {
		vals[i] = []byte(render(i))
		size += len(vals[i])
	}
	for _, v := range vals {
		if !parse(v) {
			b.Fatalf("%q does not parse", v)
		}
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, v := range vals {
			parse(v)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkParse(b *testing.B) {
	const n = 10_000
	for _, tc := range []struct {
		name   string
		render func(i int) string
		parse  func([]byte) bool
	}{
		{"integer", func(i int) string { return fmt.Sprint(10000000 + i*7919) },
			func(v []byte) bool { _, ok := ParseInteger(v, 32); return ok }},
		{"double", func(i int) string { return fmt.Sprintf("%.2f", 50+float64(i%5000)/100) },
			func(v []byte) bool { _, ok := ParseJavaDouble(v); return ok }},
		{"date", func(i int) string { return fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28) },
			func(v []byte) bool { _, ok := ParseDate(v); return ok }},
		{"timestamp", func(i int) string { return fmt.Sprintf("2024-01-%02d 10:00:%02d.%03d", 1+i%28, i%60, i%1000) },
			func(v []byte) bool { _, ok := ParseTimestamp(v); return ok }},
		{"decimal-shape", func(i int) string { return fmt.Sprintf("%d.%04d", i, i%10000) },
			func(v []byte) bool { _, _, ok := DecimalShape(v); return ok }},
	} {
		b.Run(tc.name, func(b *testing.B) { benchValues(b, n, tc.render, tc.parse) })
	}
}
