package json

import (
	"bytes"
	stdjson "encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
	"github.com/ingotdata/ingot/types"
)

// FuzzInferRead checks that no input makes inference or reading panic,
// that every error names the file, line and column, that a file whose
// inference succeeds reads with its own schema, and that valid JSON Lines
// (every non-blank line a JSON object) infers and reads one row a line.
func FuzzInferRead(f *testing.F) {
	for _, s := range []string{
		`{"a": 1, "b": "x"}`,
		"[{\"a\": [1, 2.5]}, {\"o\": {\"p\": null}}]",
		"{\"a\": 1}\n{\"a\": \"s\"}\n",
		`{"m": {"k": true}, "t": "2024-01-01T00:00:00Z"}`,
		"\xef\xbb\xbf{\"a\": 1e400}",
		"{\"a\": 1}\n{\"a\": \n",
		"{\"a\": [1, {\"b\": 2}]}\n\n{}\n",
	} {
		f.Add([]byte(s), false, uint8(0))
		f.Add([]byte(s), true, uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, multi bool, mode uint8) {
		const name = "fuzz.json"
		opts := Options{MultiLine: multi, Mode: Mode(mode % 3), BatchSize: 3}
		lines, valid := objectLines(data)
		schema, err := InferBytes(data, name, opts)
		if err != nil {
			if valid && !multi {
				t.Fatalf("valid JSON Lines did not infer: %v", err)
			}
			textreadtest.NamesPosition(t, err, name)
			return
		}
		r, err := ReadBytes(data, name, schema, opts)
		if err != nil {
			t.Fatalf("read setup: %v", err)
		}
		n, err := textreadtest.ReadAll(r)
		textreadtest.NamesPosition(t, err, name)
		if err != nil && opts.Mode == Permissive {
			t.Fatalf("inferred fine but reading failed: %v", err)
		}
		// (With no columns at all, as for {}, there is nothing to count.)
		if valid && !multi && len(schema.Fields) > 0 && (err != nil || n != lines) {
			t.Fatalf("valid JSON Lines with %d records read %d rows, err %v", lines, n, err)
		}
		// A value or two of other types, to exercise mismatches.
		schema.Fields = append(schema.Fields, types.Field("zz_int", types.Integer), types.Field("zz_ts", types.Timestamp),
			types.Field("zz_dec", types.DecimalType{Precision: 5, Scale: 2}), types.Field("zz_map", types.MapType{KeyType: types.String, ValueType: types.Long}))
		r, err = ReadBytes(data, name, schema, opts)
		if err != nil {
			t.Fatalf("read setup: %v", err)
		}
		_, err = textreadtest.ReadAll(r)
		textreadtest.NamesPosition(t, err, name)
		if err != nil && opts.Mode == Permissive {
			t.Fatalf("inferred fine but reading with extra columns failed: %v", err)
		}
	})
}

// objectLines reports whether data is valid UTF-8 JSON Lines whose every
// non-blank line is one JSON object (by encoding/json, an independent
// parser), and how many such lines there are.
func objectLines(data []byte) (int, bool) {
	data = data[textread.BOMLen(data):]
	if !utf8.Valid(data) {
		return 0, false
	}
	n := 0
	for _, line := range bytes.Split(data, []byte{'\n'}) {
		line = bytes.Trim(line, " \t\r") // JSON's white space (not \f or \v)
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' || !stdjson.Valid(line) {
			return 0, false
		}
		n++
	}
	return n, n > 0
}
