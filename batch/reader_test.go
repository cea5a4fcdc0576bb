package batch

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func makeBatch(t *testing.T, mem memory.Allocator, vals ...int64) arrow.RecordBatch {
	t.Helper()
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{col}, int64(len(vals)))
}

func TestReadAllAndConcat(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	b1, b2 := makeBatch(t, mem, 1, 2), makeBatch(t, mem, 3)
	r := FromSlice(b1.Schema(), b1, b2)
	got, err := ReadAll(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if NumRows(got) != 3 {
		t.Fatalf("rows = %d, want 3", NumRows(got))
	}
	one, err := Concat(b1.Schema(), got)
	if err != nil {
		t.Fatal(err)
	}
	Release(got)
	if one.NumRows() != 3 || one.Column(0).(*array.Int64).Value(2) != 3 {
		t.Fatalf("concat = %v", one)
	}
	one.Release()
}

func TestCloseReleasesUnread(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	b1, b2 := makeBatch(t, mem, 1), makeBatch(t, mem, 2)
	r := FromSlice(b1.Schema(), b1, b2)
	first, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first.Release()
	r.Close()
}

func TestSelect(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	b := array.NewInt64Builder(mem)
	b.AppendValues([]int64{1, 2}, nil)
	x := b.NewArray()
	b.AppendValues([]int64{10, 20}, nil)
	y := b.NewArray()
	b.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}, {Name: "y", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{x, y}, 2)
	x.Release()
	y.Release()
	r := Select(FromSlice(schema, rec), []int{1})
	if got := r.Schema().Field(0).Name; got != "y" || r.Schema().NumFields() != 1 {
		t.Fatalf("schema = %v", r.Schema())
	}
	out, err := ReadAll(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].NumCols() != 1 || out[0].Column(0).(*array.Int64).Value(1) != 20 {
		t.Fatalf("got %v", out[0])
	}
	Release(out)
}
