package delta

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
}, nil)

// rows builds a batch of ids [from, to) with names "n<id>" and day id%2.
func rows(from, to int) batch.Reader {
	b := array.NewRecordBuilder(memory.DefaultAllocator, testSchema)
	defer b.Release()
	for i := from; i < to; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("n%d", i))
		b.Field(2).(*array.Date32Builder).Append(arrow.Date32(i % 2))
	}
	return batch.FromSlice(testSchema, b.NewRecordBatch())
}

func scanAll(t *testing.T, s *Snapshot) []string {
	t.Helper()
	r, err := s.Scan(t.Context(), ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := rowStrings(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func stores(t *testing.T) map[string]storage.Store {
	local, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]storage.Store{"memory": storage.NewMemory(), "local": local}
}

func TestWriteRoundTrip(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			tbl, _ := Open(ctx, st)
			if ok, _ := tbl.Exists(ctx); ok {
				t.Fatal("empty store reports a table")
			}
			if _, err := tbl.LatestVersion(ctx); !errors.Is(err, ErrNotATable) {
				t.Fatalf("LatestVersion on empty: %v", err)
			}
			mustWrite := func(r batch.Reader, o WriteOptions) int64 {
				t.Helper()
				v, err := tbl.Write(ctx, r, o)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			if v := mustWrite(rows(0, 3), WriteOptions{PartitionBy: []string{"day"}}); v != 0 {
				t.Fatalf("create version %d", v)
			}
			if v := mustWrite(rows(3, 5), WriteOptions{TxnAppID: "q1", TxnVersion: 7}); v != 1 {
				t.Fatalf("append version %d", v)
			}
			s, err := tbl.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(scanAll(t, s)); got != 5 {
				t.Fatalf("after append: %d rows", got)
			}
			if v, ok := s.AppTransactionVersion("q1"); !ok || v != 7 {
				t.Fatalf("txn q1 = %d,%v", v, ok)
			}
			if _, ok := s.AppTransactionVersion("other"); ok {
				t.Fatal("unknown app has a txn")
			}
			for _, f := range s.Files() {
				if !strings.HasPrefix(f.Path, "day=1970-01-0") || f.PartitionValues["day"] == nil {
					t.Errorf("partitioned file %s values %v", f.Path, f.PartitionValues)
				}
			}
			mustWrite(rows(10, 11), WriteOptions{Mode: ModeOverwrite})
			s, _ = tbl.Snapshot(ctx)
			if got := scanAll(t, s); len(got) != 1 || got[0] != "10 | n10 | 1970-01-01" {
				t.Fatalf("after overwrite: %q", got)
			}
			old, err := tbl.SnapshotAt(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := scanAll(t, old); len(got) != 3 {
				t.Fatalf("version 0: %q", got)
			}
			if _, err := tbl.SnapshotAt(ctx, 9); !errors.Is(err, ErrVersionNotFound) {
				t.Fatalf("version 9: %v", err)
			}
			if _, err := tbl.Write(ctx, rows(0, 1), WriteOptions{Mode: ModeErrorIfExists}); !errors.Is(err, ErrTableExists) {
				t.Fatalf("ErrorIfExists: %v", err)
			}
			if v, err := tbl.Write(ctx, rows(0, 1), WriteOptions{Mode: ModeIgnore}); err != nil || v != 2 {
				t.Fatalf("Ignore: %d %v", v, err)
			}
			acts, err := tbl.CommitActions(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			var adds, removes int
			for _, a := range acts {
				if a.Add != nil {
					adds++
				}
				if a.Remove != nil {
					removes++
					if a.Remove.DeletionTimestamp == nil || !a.Remove.DataChange {
						t.Errorf("remove without timestamp/dataChange: %+v", a.Remove)
					}
				}
				if a.CommitInfo != nil && a.CommitInfo["engineInfo"] != "ingot/"+Version {
					t.Errorf("commitInfo %v", a.CommitInfo)
				}
			}
			if adds != 1 || removes != 4 {
				t.Fatalf("overwrite commit: %d adds %d removes", adds, removes)
			}
		})
	}
}

func TestWriteSchemaMismatch(t *testing.T) {
	ctx := t.Context()
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, rows(0, 1), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	extra := arrow.NewSchema(append(testSchema.Fields(), arrow.Field{Name: "extra", Type: arrow.PrimitiveTypes.Int32, Nullable: true}), nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, extra)
	b.Field(0).(*array.Int64Builder).Append(1)
	b.Field(1).(*array.StringBuilder).Append("x")
	b.Field(2).(*array.Date32Builder).Append(0)
	b.Field(3).(*array.Int32Builder).Append(5)
	rec := b.NewRecordBatch()
	b.Release()
	rec.Retain()
	_, err := tbl.Write(ctx, batch.FromSlice(extra, rec), WriteOptions{})
	if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), "extra") {
		t.Fatalf("append with extra column: %v", err)
	}
	v, err := tbl.Write(ctx, batch.FromSlice(extra, rec), WriteOptions{MergeSchema: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := tbl.SnapshotAt(ctx, v)
	if got := strings.Join(s.Schema().Names(), ","); got != "id,name,day,extra" {
		t.Fatalf("merged schema %s", got)
	}
	if got := scanAll(t, s); len(got) != 2 || got[0] != "0 | n0 | 1970-01-01 | (null)" {
		t.Fatalf("merged rows %q", got)
	}
}

func TestStatsJSON(t *testing.T) {
	ctx := t.Context()
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, rows(3, 8), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	s, _ := tbl.Snapshot(ctx)
	want := `{"numRecords":5,"minValues":{"id":3,"name":"n3","day":"1970-01-01"},"maxValues":{"id":7,"name":"n7","day":"1970-01-02"},"nullCount":{"id":0,"name":0,"day":0}}`
	if got := s.Files()[0].Stats; got != want {
		t.Fatalf("stats\n got %s\nwant %s", got, want)
	}
}

// TestConcurrentWriters races blind appends from goroutines: every commit
// must land exactly once and versions must be contiguous.
func TestConcurrentWriters(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			tbl, _ := Open(ctx, st)
			if _, err := tbl.Write(ctx, rows(0, 1), WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			raceAppends(t, tbl, 1)
		})
	}
}

// TestConcurrentCreate races writers on an empty location: one creates the
// table and the others' appends land on top of it.
func TestConcurrentCreate(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			tbl, _ := Open(t.Context(), st)
			raceAppends(t, tbl, 0)
		})
	}
}

// raceAppends runs concurrent blind appends of one row each and checks
// that every commit landed exactly once with contiguous versions.
func raceAppends(t *testing.T, tbl *Table, initialRows int) {
	ctx := context.Background()
	const writers, each = 6, 5
	var wg sync.WaitGroup
	versions := make(chan int64, writers*each)
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id := 1000 + w*each + i
				v, err := tbl.Write(ctx, rows(id, id+1), WriteOptions{})
				if err != nil {
					errs <- err
					return
				}
				versions <- v
			}
		}(w)
	}
	wg.Wait()
	close(versions)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for v := range versions {
		if seen[v] {
			t.Fatalf("version %d returned twice", v)
		}
		seen[v] = true
	}
	latest, _ := tbl.LatestVersion(ctx)
	if latest != int64(writers*each+initialRows-1) || len(seen) != writers*each {
		t.Fatalf("latest %d, %d distinct versions", latest, len(seen))
	}
	for v := int64(0); v <= latest; v++ {
		if _, err := tbl.CommitActions(ctx, v); err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
	}
	s, _ := tbl.Snapshot(ctx)
	if got := len(scanAll(t, s)); got != writers*each+initialRows {
		t.Fatalf("%d rows, want %d", got, writers*each+initialRows)
	}
}

func TestConflictingOverwrite(t *testing.T) {
	for _, tc := range []struct {
		name   string
		winner []Action
		intent commitIntent
		want   bool
	}{
		{"blind append after append", []Action{{Add: &AddFile{DataChange: true}}}, commitIntent{blindAppend: true}, false},
		{"overwrite after append", []Action{{Add: &AddFile{DataChange: true}}}, commitIntent{}, true},
		{"append after metadata change", []Action{{MetaData: &Metadata{}}}, commitIntent{blindAppend: true}, true},
		{"same app txn", []Action{{Txn: &Txn{AppID: "q"}}}, commitIntent{blindAppend: true, txnAppID: "q"}, true},
		{"other app txn", []Action{{Txn: &Txn{AppID: "p"}}}, commitIntent{blindAppend: true, txnAppID: "q"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := conflicts(0, tc.winner, tc.intent) != ""; got != tc.want {
				t.Fatalf("conflict = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestWriteConvertsArrowLayouts feeds Arrow layouts that map to the same
// Spark types as the table's (large strings, nanosecond timestamps): they
// are stored and read back in the canonical layout.
func TestWriteConvertsArrowLayouts(t *testing.T) {
	ctx := t.Context()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.LargeStringBuilder).Append("x")
	b.Field(1).(*array.TimestampBuilder).Append(1_000_000_000)
	rec := b.NewRecordBatch()
	b.Release()
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, batch.FromSlice(schema, rec), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	s, _ := tbl.Snapshot(ctx)
	r, err := s.Scan(ctx, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Schema().String(); !strings.Contains(got, "s: type=utf8") || !strings.Contains(got, "ts: type=timestamp[us, tz=UTC]") {
		t.Fatalf("scan schema %s", got)
	}
	got, err := rowStrings(ctx, r)
	if err != nil || len(got) != 1 || got[0] != "x | 1970-01-01T00:00:01Z" {
		t.Fatalf("rows %q %v", got, err)
	}
}

// TestScanReleasesMemory scans a partitioned table with projections through
// a checked allocator: every buffer must be released.
func TestScanReleasesMemory(t *testing.T) {
	ctx := t.Context()
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, rows(0, 100), WriteOptions{PartitionBy: []string{"day"}}); err != nil {
		t.Fatal(err)
	}
	s, _ := tbl.Snapshot(ctx)
	for _, tc := range []struct {
		name string
		cols []string
		want int
	}{
		{"all", nil, 3},
		{"data only", []string{"name"}, 1},
		{"partition only", []string{"DAY"}, 1},
		{"mixed order", []string{"day", "id"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r, err := s.Scan(ctx, ScanOptions{Columns: tc.cols, Allocator: mem, BatchSize: 7})
			if err != nil {
				t.Fatal(err)
			}
			bs, err := batch.ReadAll(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if n := batch.NumRows(bs); n != 100 || len(r.Schema().Fields()) != tc.want {
				t.Fatalf("%d rows, schema %s", n, r.Schema())
			}
			batch.Release(bs)
		})
	}
	if _, err := s.Scan(ctx, ScanOptions{Columns: []string{"nope"}}); !errors.Is(err, ErrSchemaMismatch) {
		t.Fatalf("unknown column: %v", err)
	}
}

// TestAppendNestedNullability appends a list built with non-null elements
// to a table whose array column allows nulls: same Spark type, no error.
func TestAppendNestedNullability(t *testing.T) {
	ctx := t.Context()
	mkList := func(elemNullable bool) batch.Reader {
		lt := arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Int32, Nullable: elemNullable})
		schema := arrow.NewSchema([]arrow.Field{{Name: "xs", Type: lt, Nullable: true}}, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		lb := b.Field(0).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Int32Builder).AppendValues([]int32{1, 2}, nil)
		return batch.FromSlice(schema, b.NewRecordBatch())
	}
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, mkList(true), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, mkList(false), WriteOptions{}); err != nil {
		t.Fatalf("append with non-null elements: %v", err)
	}
	s, _ := tbl.Snapshot(ctx)
	if got := scanAll(t, s); len(got) != 2 || got[0] != "[1,2]" {
		t.Fatalf("rows %q", got)
	}
}
