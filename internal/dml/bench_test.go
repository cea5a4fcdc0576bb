package dml

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

const benchRows = 200_000

// benchTable writes benchRows rows (id, grp, val) in 4 files.
func benchTable(b *testing.B, ctx context.Context) (*delta.Table, int64) {
	b.Helper()
	tbl, _ := delta.Open(ctx, storage.NewMemory())
	bl := array.NewRecordBuilder(memory.DefaultAllocator, rowSchema)
	defer bl.Release()
	for i := int64(0); i < benchRows; i++ {
		bl.Field(0).(*array.Int64Builder).Append(i)
		bl.Field(1).(*array.StringBuilder).Append("g")
		bl.Field(2).(*array.Int64Builder).Append(i % 1000)
	}
	rec := bl.NewRecordBatch()
	if _, err := tbl.Write(ctx, batch.FromSlice(rowSchema, rec), delta.WriteOptions{TargetFileRows: benchRows / 4}); err != nil {
		b.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	var size int64
	for _, f := range snap.Files() {
		size += f.Size
	}
	return tbl, size
}

func report(b *testing.B, size int64) {
	b.SetBytes(size)
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchLayouts are the two ways DELETE and UPDATE change a table:
// rewriting files, or marking rows with deletion vectors.
var benchLayouts = []struct {
	name  string
	table func(*testing.B, context.Context) (*delta.Table, int64)
}{{"copy-on-write", benchTable}, {"deletion-vectors", benchDVTable}}

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

func BenchmarkDelete(b *testing.B) {
	ctx := context.Background()
	cond := parse(b, "val < 100")
	for _, l := range benchLayouts {
		b.Run(l.name, func(b *testing.B) {
			var size int64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				tbl, sz := l.table(b, ctx)
				size = sz
				b.StartTimer()
				if _, err := Delete(ctx, target(tbl), cond); err != nil {
					b.Fatal(err)
				}
			}
			report(b, size)
		})
	}
}

func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	set := []Assignment{{Column: "val", Value: parse(b, "val + 1")}}
	cond := parse(b, "id % 10 = 0")
	for _, l := range benchLayouts {
		b.Run(l.name, func(b *testing.B) {
			tbl, size := l.table(b, ctx)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Update(ctx, target(tbl), set, cond); err != nil {
					b.Fatal(err)
				}
			}
			report(b, size)
		})
	}
}

func BenchmarkMerge(b *testing.B) {
	ctx := context.Background()
	tbl, size := benchTable(b, ctx)
	// 10,000 source rows: half update existing ids, half are new.
	bl := array.NewRecordBuilder(memory.DefaultAllocator, rowSchema)
	for i := int64(0); i < 10_000; i++ {
		bl.Field(0).(*array.Int64Builder).Append(i*40 + benchRows/2)
		bl.Field(1).(*array.StringBuilder).Append("g")
		bl.Field(2).(*array.Int64Builder).Append(i)
	}
	rec := bl.NewRecordBatch()
	bl.Release()
	st, _ := types.FromArrowSchema(rowSchema)
	src := &plan.SubqueryAlias{Alias: "s", Input: &plan.LocalRelation{Struct: st, Batches: []arrow.RecordBatch{rec}}}
	spec := MergeSpec{Source: src, On: parse(b, "t.id = s.id"), Clauses: []Clause{
		{Match: Matched, Action: UpdateAction, Set: []Assignment{{Column: "val", Value: parse(b, "s.val")}}},
		{Match: NotMatched, Action: InsertAction, Star: true, Values: []expr.Expr{}},
	}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Merge(ctx, target(tbl), spec); err != nil {
			b.Fatal(err)
		}
	}
	report(b, size)
}
