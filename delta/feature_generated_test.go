package delta

import (
	"errors"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/storage"
)

// TestWriteGeneratedColumns: WriteOptions.GeneratedColumns lands as
// delta.generationExpression in the created schema with the
// generatedColumns protocol (writer 4) in the same commit; later writes
// need a validator, and names that are not columns are refused.
func TestWriteGeneratedColumns(t *testing.T) {
	ctx := t.Context()
	okAll := func(arrow.RecordBatch) error { return nil }
	for _, tc := range []struct {
		name    string
		gen     map[string]string
		wantErr error
	}{
		{"stored", map[string]string{"p": "upper(CAST(id AS STRING))"}, nil},
		{"unknown column", map[string]string{"nope": "id * 2"}, ErrSchemaMismatch},
		{"empty expression", map[string]string{"p": " "}, ErrSchemaMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storage.NewMemory()
			tbl, _ := Open(ctx, st)
			_, err := tbl.Write(ctx, idsAndParts([]int64{1}, []string{"1"}), WriteOptions{GeneratedColumns: tc.gen, ConstraintsChecked: true})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if ok, _ := tbl.Exists(ctx); ok {
					t.Fatal("a refused write created the table")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := commitOf(t, st, 0)
			wantProtocol(t, c.protocol, `{"minReaderVersion":1,"minWriterVersion":4}`)
			snap, _ := tbl.Snapshot(ctx)
			if got := snap.GeneratedColumns(); !reflect.DeepEqual(got, tc.gen) {
				t.Fatalf("GeneratedColumns() = %v, want %v", got, tc.gen)
			}
			if _, err := tbl.Write(ctx, idsAndParts([]int64{2}, []string{"2"}), WriteOptions{Mode: ModeAppend}); !errors.Is(err, ErrUnsupportedFeature) {
				t.Fatalf("append without validation: %v, want ErrUnsupportedFeature", err)
			}
			if _, err := tbl.Write(ctx, ids(3, 4), WriteOptions{Mode: ModeAppend, Validate: okAll}); !errors.Is(err, ErrSchemaMismatch) {
				t.Fatalf("append lacking the generated column: %v, want ErrSchemaMismatch", err)
			}
			if _, err := tbl.Write(ctx, idsAndParts([]int64{2}, []string{"2"}), WriteOptions{Mode: ModeAppend, GeneratedColumns: tc.gen, Validate: okAll}); !errors.Is(err, ErrSchemaMismatch) {
				t.Fatalf("append re-declaring generated columns: %v, want ErrSchemaMismatch", err)
			}
		})
	}
}
