package csv

import (
	"errors"
	"testing"

	"github.com/ingotdata/ingot/types"
)

// A reader that cannot be set up is a nil interface, not a nil *Reader in a
// non-nil one.
func TestReadSetupErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema types.StructType
		opts   Options
		want   error
	}{
		{"unsupported-type", types.NewStruct(types.Field("a", types.ArrayType{ElementType: types.Integer})), Options{}, types.ErrUnsupportedType},
		{"bad-timestamp-format", types.NewStruct(types.Field("a", types.Timestamp)), Options{TimestampFormat: "yyyy'"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ReadBytes([]byte("x\n"), "t.csv", tc.schema, tc.opts)
			if err == nil || r != nil {
				t.Fatalf("ReadBytes = %v, %v; want nil reader and an error", r, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
