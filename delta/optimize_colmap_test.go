package delta

import (
	"context"
	"errors"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

// OPTIMIZE plans bins by logical partition names; until it maps them to
// physical names it must refuse column-mapped tables rather than mix
// partitions.
func TestOptimizeRefusesColumnMappedTables(t *testing.T) {
	ctx := context.Background()
	tbl, err := Open(ctx, storage.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, rows(0, 10), WriteOptions{Properties: map[string]string{"delta.columnMapping.mode": "name"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Optimize(ctx, OptimizeOptions{}); !errors.Is(err, ErrUnsupportedFeature) {
		t.Fatalf("Optimize on a column-mapped table: err = %v, want ErrUnsupportedFeature", err)
	}
}
