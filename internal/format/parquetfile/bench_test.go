package parquetfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// benchBatch is a 64Ki-row batch shaped like the seed workload's readings:
// ids, a high-cardinality string, a double and a timestamp.
func benchBatch() (arrow.RecordBatch, int64) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "device", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ts", Type: tsUTC, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	const n = 64 << 10
	var strBytes int64
	for i := 0; i < n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		s := fmt.Sprintf("device-%08x-%d", i*2654435761, i)
		strBytes += int64(len(s))
		b.Field(1).(*array.StringBuilder).Append(s)
		b.Field(2).(*array.Float64Builder).Append(float64(i) * 0.37)
		b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(1_700_000_000_000_000 + int64(i)*1000))
	}
	return b.NewRecordBatch(), n*8*3 + strBytes
}

func BenchmarkWrite(b *testing.B) {
	rec, size := benchBatch()
	defer rec.Release()
	ctx := context.Background()
	var buf bytes.Buffer
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if _, err := WriteBatches(ctx, &buf, rec.Schema(), []arrow.RecordBatch{rec}, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rec.NumRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkRead(b *testing.B) {
	rec, size := benchBatch()
	defer rec.Release()
	ctx := context.Background()
	var buf bytes.Buffer
	if _, err := WriteBatches(ctx, &buf, rec.Schema(), []arrow.RecordBatch{rec}, WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Open(ctx, memFile{bytes.NewReader(data)}, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			out, err := r.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			out.Release()
		}
		r.Close()
	}
	b.ReportMetric(float64(rec.NumRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
