package stream

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/storage"
)

var stateSchema = arrow.NewSchema([]arrow.Field{
	{Name: "device_id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "sum", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "count", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// makeState builds a state batch of n groups whose values depend on seed.
func makeState(mem memory.Allocator, n int, seed int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, stateSchema)
	defer b.Release()
	for i := range n {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%5 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("dev-%d", i))
		}
		b.Field(2).(*array.Float64Builder).Append(float64(seed) + float64(i)/4)
		b.Field(3).(*array.Int64Builder).Append(seed * int64(i))
	}
	return b.NewRecordBatch()
}

func TestStateStoreRoundTripAndRestore(t *testing.T) {
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	cp, _ := storage.NewLocal(dir)
	ss := NewStateStore(cp, 0, 3, WithAllocator(mem), WithMinBatchesToRetain(2))

	if rec, err := ss.Load(ctx, 0); rec != nil || err != nil {
		t.Fatalf("version 0: %v %v", rec, err)
	}
	for v := int64(1); v <= 4; v++ {
		st := makeState(mem, 10, v)
		must(t, ss.Commit(ctx, v, st))
		st.Release()
	}
	// A re-run of the batch that produced version 4 overwrites it.
	st := makeState(mem, 7, 40)
	must(t, ss.Commit(ctx, 4, st))
	st.Release()

	vs, err := ss.Versions(ctx)
	must(t, err)
	if fmt.Sprint(vs) != "[3 4]" {
		t.Errorf("versions kept %v, want [3 4]", vs)
	}

	// Restart: a new store over a new Local on the same directory.
	cp2, _ := storage.NewLocal(dir)
	ss2 := NewStateStore(cp2, 0, 3, WithAllocator(mem))
	for _, tc := range []struct {
		name    string
		version int64
		rows    int
		seed    int64
		err     error
	}{
		{"latest, rewritten by re-run", 4, 7, 40, nil},
		{"retained", 3, 10, 3, nil},
		{"purged", 2, 0, 0, ErrStateNotFound},
		{"never written", 9, 0, 0, ErrStateNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ss2.Load(ctx, tc.version)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			must(t, err)
			defer got.Release()
			want := makeState(mem, tc.rows, tc.seed)
			defer want.Release()
			if !array.RecordEqual(got, want) {
				t.Errorf("state differs:\ngot  %v\nwant %v", got, want)
			}
			if !got.Schema().Equal(stateSchema) {
				t.Errorf("schema %v", got.Schema())
			}
		})
	}
	latest, err := ss2.LatestVersion(ctx)
	must(t, err)
	if latest != 4 {
		t.Errorf("latest version %d", latest)
	}
}

func TestStateStoreEdgeCases(t *testing.T) {
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cp := storage.NewMemory()
	ss := NewStateStore(cp, 1, 0, WithAllocator(mem))

	empty := makeState(mem, 0, 0)
	defer empty.Release()
	must(t, ss.Commit(ctx, 1, empty))
	got, err := ss.Load(ctx, 1)
	must(t, err)
	if got.NumRows() != 0 || !got.Schema().Equal(stateSchema) {
		t.Errorf("empty state: %v", got)
	}
	got.Release()

	if err := ss.Commit(ctx, 0, empty); err == nil {
		t.Error("commit of version 0 accepted")
	}
	must(t, cp.Put(ctx, "state/1/0/2.snapshot", []byte("not arrow")))
	if _, err := ss.Load(ctx, 2); err == nil || errors.Is(err, ErrStateNotFound) {
		t.Errorf("corrupt snapshot: %v", err)
	}
	if _, err := cp.Stat(ctx, "state/1/0/1.snapshot"); err != nil {
		t.Errorf("snapshot not at the documented path: %v", err)
	}
}

func BenchmarkStateStoreCommitLoad(b *testing.B) {
	ctx := context.Background()
	mem := memory.NewGoAllocator()
	cp := storage.NewMemory()
	ss := NewStateStore(cp, 0, 0, WithAllocator(mem), WithMinBatchesToRetain(2))
	const rows = 100_000
	st := makeState(mem, rows, 1)
	defer st.Release()
	var size int64
	for _, c := range st.Columns() {
		for _, buf := range c.Data().Buffers() {
			if buf != nil {
				size += int64(buf.Len())
			}
		}
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := int64(i + 1)
		if err := ss.Commit(ctx, v, st); err != nil {
			b.Fatal(err)
		}
		got, err := ss.Load(ctx, v)
		if err != nil {
			b.Fatal(err)
		}
		got.Release()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
