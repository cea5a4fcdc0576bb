package dml

import (
	"context"
	"testing"

	"github.com/ingotdata/ingot/delta"
)

// benchDVTable is benchTable with delta.enableDeletionVectors set.
func benchDVTable(b *testing.B, ctx context.Context) (*delta.Table, int64) {
	b.Helper()
	tbl, size := benchTable(b, ctx)
	tx, err := tbl.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := tx.SetProperties(map[string]string{"delta.enableDeletionVectors": "true"}); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Commit(ctx, "SET TBLPROPERTIES", nil); err != nil {
		b.Fatal(err)
	}
	return tbl, size
}

// BenchmarkDeleteDV is BenchmarkDelete marking rows with deletion vectors
// instead of rewriting the four files.
func BenchmarkDeleteDV(b *testing.B) {
	ctx := context.Background()
	cond := parse(b, "val < 100")
	var size int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		tbl, sz := benchDVTable(b, ctx)
		size = sz
		b.StartTimer()
		if _, err := Delete(ctx, target(tbl), cond); err != nil {
			b.Fatal(err)
		}
	}
	report(b, size)
}

// BenchmarkUpdateDV is BenchmarkUpdate writing only the updated rows.
func BenchmarkUpdateDV(b *testing.B) {
	ctx := context.Background()
	tbl, size := benchDVTable(b, ctx)
	set := []Assignment{{Column: "val", Value: parse(b, "val + 1")}}
	cond := parse(b, "id % 10 = 0")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Update(ctx, target(tbl), set, cond); err != nil {
			b.Fatal(err)
		}
	}
	report(b, size)
}
