package json

import (
	"testing"

	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
	"github.com/ingotdata/ingot/types"
)

// FuzzInferRead checks that no input makes inference or reading panic, and
// that a file whose inference succeeds reads with its own schema.
func FuzzInferRead(f *testing.F) {
	for _, s := range []string{
		`{"a": 1, "b": "x"}`,
		"[{\"a\": [1, 2.5]}, {\"o\": {\"p\": null}}]",
		"{\"a\": 1}\n{\"a\": \"s\"}\n",
		`{"m": {"k": true}, "t": "2024-01-01T00:00:00Z"}`,
		"\xef\xbb\xbf{\"a\": 1e400}",
	} {
		f.Add([]byte(s), false, uint8(0))
		f.Add([]byte(s), true, uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, multi bool, mode uint8) {
		opts := Options{MultiLine: multi, Mode: Mode(mode % 3), BatchSize: 3}
		schema, err := InferBytes(data, "fuzz.json", opts)
		if err != nil {
			return
		}
		// A value or two of other types, to exercise mismatches.
		schema.Fields = append(schema.Fields, types.Field("zz_int", types.Integer), types.Field("zz_ts", types.Timestamp),
			types.Field("zz_dec", types.DecimalType{Precision: 5, Scale: 2}), types.Field("zz_map", types.MapType{KeyType: types.String, ValueType: types.Long}))
		r, err := ReadBytes(data, "fuzz.json", schema, opts)
		textreadtest.ReadsBack(t, r, err, opts.Mode == Permissive)
	})
}
