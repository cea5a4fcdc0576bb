package delta

import (
	"errors"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// TestChangesFromAddRemove: commits without cdc files yield their adds as
// inserts and removes as deletes.
func TestChangesFromAddRemove(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	cdf := map[string]string{"delta.enableChangeDataFeed": "true"}
	for _, w := range []struct {
		from, to int64
		mode     SaveMode
	}{{0, 3, ModeAppend}, {3, 5, ModeAppend}, {10, 12, ModeOverwrite}} {
		if _, err := tbl.Write(ctx, ids(w.from, w.to), WriteOptions{Mode: w.mode, Properties: cdf}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name       string
		start, end int64
		want       []string
	}{
		{"first version", 0, 0, []string{"0 | insert | 0", "1 | insert | 0", "2 | insert | 0"}},
		{"overwrite", 2, 2, []string{"0 | delete | 2", "1 | delete | 2", "10 | insert | 2", "11 | insert | 2", "2 | delete | 2", "3 | delete | 2", "4 | delete | 2"}},
		{"end past latest is clamped", 1, 99, []string{"0 | delete | 2", "1 | delete | 2", "10 | insert | 2", "11 | insert | 2", "2 | delete | 2", "3 | delete | 2", "3 | insert | 1", "4 | delete | 2", "4 | insert | 1"}},
		{"latest by negative end", 1, -1, []string{"0 | delete | 2", "1 | delete | 2", "10 | insert | 2", "11 | insert | 2", "2 | delete | 2", "3 | delete | 2", "3 | insert | 1", "4 | delete | 2", "4 | insert | 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tbl.Changes(ctx, tc.start, tc.end, []string{"id"})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Schema().String(); got != "schema:\n  fields: 4\n    - id: type=int64, nullable\n    - _change_type: type=utf8, nullable\n    - _commit_version: type=int64, nullable\n    - _commit_timestamp: type=timestamp[us, tz=UTC], nullable" {
				t.Fatalf("schema %s", got)
			}
			got, err := renderColumns(ctx, r, []string{"id", ChangeTypeColumn, CommitVersionColumn}, "")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
	// _commit_timestamp is the commit's time, the same for all its rows.
	r, err := tbl.Changes(ctx, 2, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := batch.ReadAll(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Release(bs)
	hist, _ := tbl.History(ctx, 1)
	for _, b := range bs {
		col := b.Column(3).(*array.Timestamp)
		for i := 0; i < col.Len(); i++ {
			if got := col.Value(i).ToTime(arrow.Microsecond).UnixMilli(); got != hist[0].Timestamp.UnixMilli() {
				t.Fatalf("_commit_timestamp %d, history says %d", got, hist[0].Timestamp.UnixMilli())
			}
		}
	}
}

func TestChangesErrors(t *testing.T) {
	ctx := t.Context()
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, ids(0, 3), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, ids(3, 4), WriteOptions{Properties: map[string]string{"delta.enableChangeDataFeed": "true"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		start, end int64
		want       error
	}{
		{"start after end", 1, 0, ErrInvalidChangeRange},
		{"start after latest", 5, 6, ErrInvalidChangeRange},
		{"negative start", -1, 1, ErrInvalidChangeRange},
		{"version without change data", 0, 1, ErrChangeDataNotEnabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tbl.Changes(ctx, tc.start, tc.end, nil)
			if err == nil {
				r.Close()
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	// From the version that enabled the feed on, changes are readable.
	r, err := tbl.Changes(ctx, 1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := renderColumns(ctx, r, []string{"id", ChangeTypeColumn}, "")
	if err != nil || !slices.Equal(got, []string{"3 | insert"}) {
		t.Fatalf("got %q, %v", got, err)
	}
}
