package delta

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// TestCheckConstraints: a table created with delta.constraints.* gets
// writer version 3; writes need Validate, which sees every batch aligned
// to the table schema, and a failing batch aborts the write leaving no
// commit and no data file behind.
func TestCheckConstraints(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	props := map[string]string{"delta.constraints.pos": "id > 0"}
	okAll := func(arrow.RecordBatch) error { return nil }
	if _, err := tbl.Write(ctx, idsAndParts([]int64{1, 2}, []string{"a", "b"}), WriteOptions{Properties: props, Validate: okAll}); err != nil {
		t.Fatal(err)
	}
	c := commitOf(t, st, 0)
	wantProtocol(t, c.protocol, `{"minReaderVersion":1,"minWriterVersion":3}`)
	if c.metadata.Configuration["delta.constraints.pos"] != "id > 0" {
		t.Fatalf("configuration %v", c.metadata.Configuration)
	}
	snap, _ := tbl.Snapshot(ctx)
	if got := snap.Constraints(); !reflect.DeepEqual(got, map[string]string{"pos": "id > 0"}) {
		t.Fatalf("Constraints() = %v", got)
	}

	t.Run("no validator", func(t *testing.T) {
		_, err := tbl.Write(ctx, ids(5, 6), WriteOptions{})
		if !errors.Is(err, ErrUnsupportedFeature) {
			t.Fatalf("write without Validate: %v, want ErrUnsupportedFeature", err)
		}
	})
	t.Run("validator sees table-shaped batches", func(t *testing.T) {
		var seen []string
		validate := func(b arrow.RecordBatch) error {
			seen = append(seen, b.Schema().String())
			if b.NumCols() != 2 || b.Column(1).NullN() != int(b.NumRows()) {
				return fmt.Errorf("want id and an all-NULL p, got %s", b.Schema())
			}
			return nil
		}
		if _, err := tbl.Write(ctx, ids(5, 7), WriteOptions{Validate: validate}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 1 {
			t.Fatalf("Validate called %d times, want 1", len(seen))
		}
	})
	t.Run("failing batch aborts", func(t *testing.T) {
		before := dataFiles(t, st)
		errBad := errors.New("CHECK constraint pos (id > 0) violated")
		calls := 0
		validate := func(b arrow.RecordBatch) error {
			calls++
			if calls == 2 {
				return errBad
			}
			return nil
		}
		sch := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
		mk := func(v int64) arrow.RecordBatch {
			b := array.NewInt64Builder(memory.DefaultAllocator)
			defer b.Release()
			b.Append(v)
			a := b.NewArray()
			defer a.Release()
			return array.NewRecordBatch(sch, []arrow.Array{a}, 1)
		}
		_, err := tbl.Write(ctx, batch.FromSlice(sch, mk(10), mk(-1)), WriteOptions{Validate: validate, TargetFileRows: 1})
		if !errors.Is(err, errBad) {
			t.Fatalf("write: %v, want the validator's error", err)
		}
		if v, _ := tbl.LatestVersion(ctx); v != 1 {
			t.Fatalf("latest version %d after a rejected write, want 1", v)
		}
		if after := dataFiles(t, st); !reflect.DeepEqual(after, before) {
			t.Fatalf("files left behind: before %v after %v", before, after)
		}
	})
}

// TestAppendOnly: delta.appendOnly=true keeps the default protocol
// (writer 2 implies appendOnly) and refuses overwrites but not appends.
func TestAppendOnly(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 2), WriteOptions{Properties: map[string]string{"delta.appendOnly": "true"}}); err != nil {
		t.Fatal(err)
	}
	wantProtocol(t, commitOf(t, st, 0).protocol, `{"minReaderVersion":1,"minWriterVersion":2}`)
	if _, err := tbl.Write(ctx, ids(2, 3), WriteOptions{}); err != nil {
		t.Fatalf("append: %v", err)
	}
	for _, opts := range []WriteOptions{{Mode: ModeOverwrite}, {Mode: ModeOverwrite, OverwriteSchema: true}} {
		if _, err := tbl.Write(ctx, ids(9, 10), opts); !errors.Is(err, ErrUnsupportedFeature) {
			t.Fatalf("overwrite %+v: %v, want ErrUnsupportedFeature", opts, err)
		}
	}
	if got := scanRows(t, ctx, tbl); len(got) != 3 {
		t.Fatalf("rows %v", got)
	}
}

// TestInvariants: column invariants from the schema are exposed with
// their SQL text and need a validator.
func TestInvariants(t *testing.T) {
	schema := `{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{\"delta.invariants\":\"{\\\"expression\\\":{\\\"expression\\\":\\\"id > 3\\\"}}\"}}]}`
	tbl := rawTable(t, `{"minReaderVersion":1,"minWriterVersion":2}`, `{}`, schema)
	ctx := t.Context()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Invariants(); !reflect.DeepEqual(got, map[string]string{"id": "id > 3"}) {
		t.Fatalf("Invariants() = %v", got)
	}
	if _, err := tbl.Write(ctx, ids(4, 5), WriteOptions{}); !errors.Is(err, ErrUnsupportedFeature) {
		t.Fatalf("write without Validate: %v", err)
	}
	if _, err := tbl.Write(ctx, ids(4, 5), WriteOptions{Validate: func(arrow.RecordBatch) error { return nil }}); err != nil {
		t.Fatalf("write with Validate: %v", err)
	}
	// Writer version 2 already implies invariants: no protocol action.
	if c := commitOf(t, tbl.store, 1); c.protocol != nil || c.metadata != nil {
		t.Fatalf("append carried protocol %+v / metadata", c.protocol)
	}
}

// TestGeneratedColumns: generated columns are exposed; the data must
// carry them (the caller computes them) and a validator must be set.
func TestGeneratedColumns(t *testing.T) {
	schema := `{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"p\",\"type\":\"string\",\"nullable\":true,\"metadata\":{\"delta.generationExpression\":\"CAST(id AS STRING)\"}}]}`
	tbl := rawTable(t, `{"minReaderVersion":1,"minWriterVersion":4}`, `{}`, schema)
	ctx := t.Context()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.GeneratedColumns(); !reflect.DeepEqual(got, map[string]string{"p": "CAST(id AS STRING)"}) {
		t.Fatalf("GeneratedColumns() = %v", got)
	}
	validate := func(arrow.RecordBatch) error { return nil }
	for _, tc := range []struct {
		name string
		run  func() error
		want error
	}{
		{"no validator", func() error {
			_, err := tbl.Write(ctx, idsAndParts([]int64{1}, []string{"1"}), WriteOptions{})
			return err
		}, ErrUnsupportedFeature},
		{"generated column missing", func() error {
			_, err := tbl.Write(ctx, ids(1, 2), WriteOptions{Validate: validate})
			return err
		}, ErrSchemaMismatch},
		{"supplied and validated", func() error {
			_, err := tbl.Write(ctx, idsAndParts([]int64{1}, []string{"1"}), WriteOptions{Validate: validate})
			return err
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	if got := scanRows(t, ctx, tbl); !reflect.DeepEqual(got, []string{"1 | 1"}) {
		t.Fatalf("rows %v", got)
	}
}
