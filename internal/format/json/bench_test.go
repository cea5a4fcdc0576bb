package json

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/types"
)

// benchData renders n tracker-like records, as JSON Lines or as one array.
func benchData(n int, multi, quoted bool) []byte {
	var b strings.Builder
	if multi {
		b.WriteString("[\n")
	}
	q := ""
	if quoted {
		q = `"`
	}
	for i := range n {
		fmt.Fprintf(&b, `{"device_id": %s%d%s, "mrn": %s%d%s, "time": %s%d%s, "heartrate": %s%.2f%s}`,
			q, i%40, q, q, 10000000+i*7919%90000000, q, q, 1574863200000000+int64(i)*1000000, q, q, 50+float64(i%5000)/100, q)
		if multi && i < n-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	if multi {
		b.WriteString("]\n")
	}
	return []byte(b.String())
}

func benchRead(b *testing.B, data []byte, schema types.StructType, opts Options, rows int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := ReadBytes(data, "bench.json", schema, opts)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += int(rec.NumRows())
			rec.Release()
		}
		r.Close()
		if n != rows {
			b.Fatalf("rows = %d, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

var (
	stringSchema  = types.NewStruct(types.Field("device_id", types.String), types.Field("heartrate", types.String), types.Field("mrn", types.String), types.Field("time", types.String))
	numericSchema = types.NewStruct(types.Field("device_id", types.Long), types.Field("heartrate", types.Double), types.Field("mrn", types.Long), types.Field("time", types.Long))
)

func BenchmarkRead(b *testing.B) {
	const rows = 100_000
	for _, tc := range []struct {
		name   string
		multi  bool
		quoted bool
	}{
		{"jsonlines/strings", false, true},
		{"jsonlines/numbers", false, false},
		{"multiline/strings", true, true},
		{"multiline/numbers", true, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			schema := numericSchema
			if tc.quoted {
				schema = stringSchema
			}
			benchRead(b, benchData(rows, tc.multi, tc.quoted), schema, Options{MultiLine: tc.multi}, rows)
		})
	}
}

func BenchmarkInfer(b *testing.B) {
	const rows = 100_000
	for _, multi := range []bool{false, true} {
		b.Run(fmt.Sprintf("multiline=%t", multi), func(b *testing.B) {
			data := benchData(rows, multi, true)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := InferBytes(data, "bench.json", Options{MultiLine: multi}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
