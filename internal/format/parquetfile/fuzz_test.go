package parquetfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fuzzSeed writes buildBatch (flat, struct, decimal, timestamps) plus a
// list column as one file with the given options.
func fuzzSeed(tb testing.TB, opts WriteOptions) []byte {
	mem := memory.DefaultAllocator
	rec := buildBatch(mem)
	defer rec.Release()
	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int64)
	defer lb.Release()
	for i := 0; i < int(rec.NumRows()); i++ {
		lb.Append(true)
		for j := 0; j <= i; j++ {
			lb.ValueBuilder().(*array.Int64Builder).Append(int64(i*10 + j))
		}
	}
	l := lb.NewArray()
	defer l.Release()
	fields := append(rec.Schema().Fields(), arrow.Field{Name: "l", Type: l.DataType(), Nullable: true})
	sc := arrow.NewSchema(fields, nil)
	out := array.NewRecordBatch(sc, append(rec.Columns(), l), rec.NumRows())
	defer out.Release()
	var buf bytes.Buffer
	if _, err := WriteBatches(context.Background(), &buf, sc, []arrow.RecordBatch{out}, opts); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzOpen: any bytes read through Open give batches or an error, never
// a panic; an error that is not a context error is a *CorruptError naming
// the file.
func FuzzOpen(f *testing.F) {
	f.Add(fuzzSeed(f, WriteOptions{}))
	f.Add(fuzzSeed(f, WriteOptions{Compression: "none", Dictionary: true}))
	f.Add(fuzzSeed(f, WriteOptions{Compression: "zstd", RowGroupRows: 1}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		const name = "fuzz.parquet"
		for _, cols := range [][]string{nil, {"s", "st"}} {
			r, err := Open(context.Background(), memFile{bytes.NewReader(data)}, ReadOptions{Path: name, Columns: cols, BatchSize: 2})
			if err == nil {
				for {
					rec, rerr := r.Next(context.Background())
					if rerr != nil {
						if !errors.Is(rerr, io.EOF) {
							err = rerr
						}
						break
					}
					rec.Release()
				}
				r.Close()
			}
			var ce *CorruptError
			if err != nil && !errors.Is(err, ErrMissingColumn) && (!errors.As(err, &ce) || ce.Path != name) {
				t.Fatalf("error is not a CorruptError naming the file: %v", err)
			}
		}
	})
}
