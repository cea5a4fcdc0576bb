package delta_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/storage"
)

// Create a partitioned table, append exactly once for a streaming query,
// and read it back.
func Example() {
	ctx := context.Background()
	tbl, _ := delta.Open(ctx, storage.NewMemory()) // storage.NewLocal(dir) for a directory

	schema := arrow.NewSchema([]arrow.Field{
		{Name: "device", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "reading", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"a", "b", "a"}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{1.5, 2.5, 3.5}, nil)
	rec := b.NewRecordBatch()
	b.Release()

	v, err := tbl.Write(ctx, batch.FromSlice(schema, rec), delta.WriteOptions{
		PartitionBy: []string{"device"},
		TxnAppID:    "query-1", TxnVersion: 0, // batch 0 of the query, committed atomically
		Operation: "STREAMING UPDATE",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	snap, _ := tbl.Snapshot(ctx)
	done, _ := snap.AppTransactionVersion("query-1")
	r, _ := snap.Scan(ctx, delta.ScanOptions{Columns: []string{"reading"}})
	bs, _ := batch.ReadAll(ctx, r)
	defer batch.Release(bs)
	fmt.Println("version", v, "files", len(snap.Files()), "rows", batch.NumRows(bs), "last batch", done)
	// Output: version 0 files 2 rows 3 last batch 0
}
