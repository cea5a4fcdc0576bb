package json

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
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
			data := benchData(rows, tc.multi, tc.quoted)
			textreadtest.BenchRead(b, len(data), rows, func() (batch.Reader, error) {
				return ReadBytes(data, "bench.json", schema, Options{MultiLine: tc.multi})
			})
		})
	}
}

func BenchmarkInfer(b *testing.B) {
	const rows = 100_000
	for _, multi := range []bool{false, true} {
		b.Run(fmt.Sprintf("multiline=%t", multi), func(b *testing.B) {
			data := benchData(rows, multi, true)
			textreadtest.BenchInfer(b, len(data), rows, func() error {
				_, err := InferBytes(data, "bench.json", Options{MultiLine: multi})
				return err
			})
		})
	}
}
