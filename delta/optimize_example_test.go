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

// Compact a table of small appends, then undo and clean up: OPTIMIZE,
// RESTORE and VACUUM without SQL.
func ExampleTable_Optimize() {
	ctx := context.Background()
	tbl, _ := delta.Open(ctx, storage.NewMemory())
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	for i := int64(0); i < 4; i++ { // four appends, four small files
		b := array.NewInt64Builder(memory.DefaultAllocator)
		b.AppendValues([]int64{2 * i, 2*i + 1}, nil)
		col := b.NewArray()
		b.Release()
		rec := array.NewRecordBatch(schema, []arrow.Array{col}, 2)
		col.Release()
		if _, err := tbl.Write(ctx, batch.FromSlice(schema, rec), delta.WriteOptions{}); err != nil {
			fmt.Println(err)
			return
		}
	}

	m, err := tbl.Optimize(ctx, delta.OptimizeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("optimize: version", m.Version, "removed", m.NumFilesRemoved, "added", m.NumFilesAdded)

	r, err := tbl.Restore(ctx, delta.RestoreOptions{Version: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("restore: version", r.Version, "files", r.NumOfFilesAfterRestore)

	// The default retention (7 days) keeps every file a recent version
	// may still read.
	res, _ := tbl.Vacuum(ctx, delta.VacuumOptions{DryRun: true})
	fmt.Println("vacuum would delete", len(res.FilesDeleted), "files")
	// Output:
	// optimize: version 4 removed 4 added 1
	// restore: version 5 files 2
	// vacuum would delete 0 files
}
