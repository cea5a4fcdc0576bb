package csv

import (
	"bytes"
	stdcsv "encoding/csv"
	"errors"
	"io"
	"testing"

	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
	"github.com/ingotdata/ingot/types"
)

// FuzzInferRead checks that no input makes inference or reading panic,
// that every error names the file, line and column, that a file whose
// inference succeeds reads with its own schema, and that a file
// encoding/csv (an independent parser) splits into records of one width
// reads, as strings and failing fast, one row per record.
func FuzzInferRead(f *testing.F) {
	for _, s := range []string{
		"mrn,name\n1,Ann\n2,Bob\n",
		"a,b\n\"x,\"\"y\"\"\",2024-01-01\n1.5,true\n",
		"\xef\xbb\xbfa\n\"open\n",
		"1,,3\r\n4\n5,6,7,8\n",
		"a,\"multi\nline\"\n\n\"q\",2\n",
	} {
		f.Add([]byte(s), true, uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, header bool, mode uint8) {
		const name = "fuzz.csv"
		opts := Options{Header: header, InferSchema: true, Mode: Mode(mode % 3), BatchSize: 2}
		if records, width, ok := oracleRecords(data); ok {
			strs := Options{Mode: FailFast, BatchSize: 2}
			schema := types.StructType{}
			for i := range width {
				schema.Fields = append(schema.Fields, types.Field("c"+string(rune('a'+i%26))+string(rune('0'+i/26%10)), types.String))
			}
			r, err := ReadBytes(data, name, schema, strs)
			if err != nil {
				t.Fatalf("read setup: %v", err)
			}
			n, err := textreadtest.ReadAll(r)
			if err != nil || n != records {
				t.Fatalf("valid CSV of %d records of %d fields read %d rows, err %v", records, width, n, err)
			}
		}
		schema, err := InferBytes(data, name, opts)
		if err != nil {
			textreadtest.NamesPosition(t, err, name)
			return
		}
		r, err := ReadBytes(data, name, schema, opts)
		if err != nil {
			t.Fatalf("read setup: %v", err)
		}
		_, err = textreadtest.ReadAll(r)
		textreadtest.NamesPosition(t, err, name)
		if err != nil && opts.Mode == Permissive {
			t.Fatalf("inferred fine but reading failed: %v", err)
		}
	})
}

// oracleRecords splits data with encoding/csv. ok is false unless it
// parses strictly into at least one record, every record has the same
// width, and data has none of what the two dialects read differently: a
// backslash (ingot's default escape), a byte-order mark (ingot skips it),
// or a carriage return (line-ending handling differs at the edges).
func oracleRecords(data []byte) (records, width int, ok bool) {
	if bytes.ContainsAny(data, "\\\r") || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return 0, 0, false
	}
	cr := stdcsv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return records, width, records > 0
		}
		if err != nil {
			return 0, 0, false
		}
		records++
		width = len(rec)
	}
}
