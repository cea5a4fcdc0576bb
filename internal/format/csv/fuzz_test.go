package csv

import (
	"testing"

	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
)

// FuzzInferRead checks that no input makes inference or reading panic, and
// that a file whose inference succeeds reads with its own schema.
func FuzzInferRead(f *testing.F) {
	for _, s := range []string{
		"mrn,name\n1,Ann\n2,Bob\n",
		"a,b\n\"x,\"\"y\"\"\",2024-01-01\n1.5,true\n",
		"\xef\xbb\xbfa\n\"open\n",
		"1,,3\r\n4\n5,6,7,8\n",
	} {
		f.Add([]byte(s), true, uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, header bool, mode uint8) {
		opts := Options{Header: header, InferSchema: true, Mode: Mode(mode % 3), BatchSize: 2}
		schema, err := InferBytes(data, "fuzz.csv", opts)
		if err != nil {
			return
		}
		r, err := ReadBytes(data, "fuzz.csv", schema, opts)
		textreadtest.ReadsBack(t, r, err, opts.Mode == Permissive)
	})
}
