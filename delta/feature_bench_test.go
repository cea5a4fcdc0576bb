package delta

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// BenchmarkWriteFeatures measures appends of 10k rows to a partitioned
// table with each write-path feature on, against the plain path: column
// mapping relabels every column to physical names, Validate builds the
// table-shaped batch, in-commit timestamps read the previous commit.
func BenchmarkWriteFeatures(b *testing.B) {
	const n = 10000
	var size int64
	{
		bs, _ := batch.ReadAll(context.Background(), rows(0, n))
		for _, r := range bs {
			for _, c := range r.Columns() {
				for _, buf := range c.Data().Buffers() {
					if buf != nil {
						size += int64(buf.Len())
					}
				}
			}
		}
		batch.Release(bs)
	}
	for _, tc := range []struct {
		name  string
		props map[string]string
		opts  WriteOptions
	}{
		{"plain", nil, WriteOptions{}},
		{"column mapping", map[string]string{"delta.columnMapping.mode": "name"}, WriteOptions{}},
		{"validate", nil, WriteOptions{Validate: func(arrow.RecordBatch) error { return nil }}},
		{"in-commit timestamps", map[string]string{"delta.enableInCommitTimestamps": "true"}, WriteOptions{}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			tbl, _ := Open(ctx, storage.NewMemory())
			if _, err := tbl.Write(ctx, rows(0, 1), WriteOptions{Properties: tc.props, PartitionBy: []string{"day"}}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := tbl.Write(ctx, rows(0, n), tc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
