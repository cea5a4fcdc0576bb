package delta

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// countingStore counts the operations that reach the wrapped store, so
// tests can assert what a read touched.
type countingStore struct {
	storage.Store
	opens, gets, lists, stats atomic.Int64
	// keys records every key opened or fetched.
	mu   chan struct{}
	keys []string
}

func newCountingStore(s storage.Store) *countingStore {
	c := &countingStore{Store: s, mu: make(chan struct{}, 1)}
	return c
}

func (c *countingStore) record(k string) {
	c.mu <- struct{}{}
	c.keys = append(c.keys, k)
	<-c.mu
}

func (c *countingStore) Open(ctx context.Context, p string) (storage.File, error) {
	c.opens.Add(1)
	c.record(p)
	return c.Store.Open(ctx, p)
}

func (c *countingStore) Get(ctx context.Context, p string) ([]byte, error) {
	c.gets.Add(1)
	c.record(p)
	return c.Store.Get(ctx, p)
}

func (c *countingStore) List(ctx context.Context, prefix string) ([]storage.FileInfo, error) {
	c.lists.Add(1)
	return c.Store.List(ctx, prefix)
}

func (c *countingStore) Stat(ctx context.Context, p string) (storage.FileInfo, error) {
	c.stats.Add(1)
	return c.Store.Stat(ctx, p)
}

func (c *countingStore) reset() {
	c.opens.Store(0)
	c.gets.Store(0)
	c.lists.Store(0)
	c.stats.Store(0)
	c.keys = nil
}

// dataOpens counts opened data files (not log files).
func (c *countingStore) dataOpens() int {
	n := 0
	for _, k := range c.keys {
		if !strings.HasPrefix(k, logDir) {
			n++
		}
	}
	return n
}

// TestDataSkipping writes 1,000 one-row files (ids 0..999, partitioned by
// day = id % 2) and counts the files each filtered scan opens.
func TestDataSkipping(t *testing.T) {
	ctx := t.Context()
	st := newCountingStore(storage.NewMemory())
	tbl, _ := Open(ctx, st)
	// One single-row batch per file: files roll at batch boundaries.
	var recs []arrow.RecordBatch
	for i := range 1000 {
		r := rows(i, i+1)
		bs, err := batch.ReadAll(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, bs...)
	}
	if _, err := tbl.Write(ctx, batch.FromSlice(testSchema, recs...), WriteOptions{PartitionBy: []string{"day"}, TargetFileRows: 1}); err != nil {
		t.Fatal(err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(snap.Files()); n != 1000 {
		t.Fatalf("%d files, want 1000", n)
	}
	day1 := time.Unix(86400, 0).UTC()
	for _, tc := range []struct {
		name      string
		terms     []Term
		wantFiles int
	}{
		{"no filter", nil, 1000},
		{"id equal", []Term{{"id", OpEq, int64(500)}}, 1},
		{"id equal as float", []Term{{"id", OpEq, 500.0}}, 1},
		{"id below", []Term{{"id", OpLt, 10}}, 10},
		{"id at most", []Term{{"id", OpLe, 10}}, 11},
		{"id above", []Term{{"id", OpGt, 989}}, 10},
		{"id at least", []Term{{"id", OpGe, 990}}, 10},
		{"id not equal", []Term{{"id", OpNe, int64(3)}}, 999},
		{"partition equal", []Term{{"day", OpEq, day1}}, 500},
		{"partition and stats", []Term{{"day", OpEq, day1}, {"id", OpGe, 990}}, 5},
		{"string column", []Term{{"name", OpEq, "n42"}}, 1},
		{"is null never", []Term{{"id", OpIsNull, nil}}, 0},
		{"is not null", []Term{{"id", OpIsNotNull, nil}}, 1000},
		{"out of range", []Term{{"id", OpGt, 5000}}, 0},
		{"literal of wrong kind keeps files", []Term{{"id", OpEq, "x"}}, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st.reset()
			var opts ScanOptions
			if tc.terms != nil {
				opts.Filter = &Predicate{And: tc.terms}
			}
			r, err := snap.Scan(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			bs, err := batch.ReadAll(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			batch.Release(bs)
			if got := st.dataOpens(); got != tc.wantFiles {
				t.Fatalf("opened %d data files, want %d", got, tc.wantFiles)
			}
		})
	}
	if _, err := snap.Scan(ctx, ScanOptions{Filter: &Predicate{And: []Term{{"nope", OpEq, 1}}}}); err == nil {
		t.Fatal("filter on a missing column accepted")
	}
	if _, err := snap.Scan(ctx, ScanOptions{Filter: &Predicate{And: []Term{{"id", "LIKE", 1}}}}); err == nil {
		t.Fatal("unknown operator accepted")
	}
}

// TestSkippingStats covers the statistics rules on hand-written stats:
// truncated string maxima, millisecond timestamp maxima, all-null files
// and missing stats must never drop a file that could match.
func TestSkippingStats(t *testing.T) {
	ts := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	long := strings.Repeat("z", 32)
	for _, tc := range []struct {
		name  string
		typ   types.DataType
		stats string
		term  Term
		want  bool
	}{
		{"no stats keeps", types.Long, ``, Term{"c", OpEq, 1}, true},
		{"bad stats keep", types.Long, `{not json`, Term{"c", OpEq, 1}, true},
		{"in range", types.Long, `{"numRecords":3,"minValues":{"c":1},"maxValues":{"c":5},"nullCount":{"c":0}}`, Term{"c", OpEq, 3}, true},
		{"below min", types.Long, `{"numRecords":3,"minValues":{"c":1},"maxValues":{"c":5},"nullCount":{"c":0}}`, Term{"c", OpEq, 0}, false},
		{"all null skips comparisons", types.Long, `{"numRecords":3,"nullCount":{"c":3}}`, Term{"c", OpGt, 0}, false},
		{"all null matches is null", types.Long, `{"numRecords":3,"nullCount":{"c":3}}`, Term{"c", OpIsNull, nil}, true},
		{"no nulls skips is null", types.Long, `{"numRecords":3,"nullCount":{"c":0}}`, Term{"c", OpIsNull, nil}, false},
		{"truncated string max is no bound", types.String, `{"numRecords":1,"minValues":{"c":"a"},"maxValues":{"c":"` + long + `"}}`, Term{"c", OpEq, long + "a"}, true},
		{"short string max bounds", types.String, `{"numRecords":1,"minValues":{"c":"a"},"maxValues":{"c":"b"}}`, Term{"c", OpEq, "c"}, false},
		{"timestamp max at ms precision", types.Timestamp, `{"numRecords":1,"minValues":{"c":"2024-01-01T00:00:00.000Z"},"maxValues":{"c":"2024-01-01T00:00:00.000Z"}}`, Term{"c", OpEq, ts.Add(500 * time.Microsecond)}, true},
		{"timestamp beyond max", types.Timestamp, `{"numRecords":1,"minValues":{"c":"2024-01-01T00:00:00.000Z"},"maxValues":{"c":"2024-01-01T00:00:00.000Z"}}`, Term{"c", OpGe, ts.Add(2 * time.Millisecond)}, false},
		{"date", types.Date, `{"numRecords":1,"minValues":{"c":"2024-01-02"},"maxValues":{"c":"2024-01-05"}}`, Term{"c", OpLt, ts}, false},
		{"decimal", types.DecimalType{Precision: 10, Scale: 2}, `{"numRecords":1,"minValues":{"c":1.25},"maxValues":{"c":2.5}}`, Term{"c", OpGt, "2.49"}, true},
		{"double", types.Double, `{"numRecords":1,"minValues":{"c":1.5},"maxValues":{"c":2.5}}`, Term{"c", OpGt, 2.5}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseFileStats(tc.stats).mayMatch("c", tc.typ, tc.term); got != tc.want {
				t.Fatalf("mayMatch = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSkippingStatsParsed: a checkpoint add holding only stats_parsed
// (writeStatsAsJson=false) gets its stats re-encoded as JSON, so skipping
// still works.
func TestSkippingStatsParsed(t *testing.T) {
	minMax := arrow.StructOf(arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	addType := arrow.StructOf(
		arrow.Field{Name: "path", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "stats_parsed", Type: arrow.StructOf(
			arrow.Field{Name: "numRecords", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			arrow.Field{Name: "minValues", Type: minMax, Nullable: true},
			arrow.Field{Name: "maxValues", Type: minMax, Nullable: true},
		), Nullable: true},
	)
	col, _, err := array.FromJSON(memory.DefaultAllocator, addType, strings.NewReader(`[
		{"path": "a", "stats_parsed": {"numRecords": 5, "minValues": {"id": 1}, "maxValues": {"id": 9}}},
		{"path": "b", "stats_parsed": null}]`))
	if err != nil {
		t.Fatal(err)
	}
	defer col.Release()
	c := newFileActionColumns(col, newInterner())
	a, b := c.add(0), c.add(1)
	if b.Stats != "" {
		t.Fatalf("file without stats got %q", b.Stats)
	}
	st := parseFileStats(a.Stats)
	if st.NumRecords == nil || *st.NumRecords != 5 {
		t.Fatalf("stats %q", a.Stats)
	}
	for _, tc := range []struct {
		term Term
		want bool
	}{
		{Term{"id", OpGt, 9}, false},
		{Term{"id", OpEq, 5}, true},
		{Term{"id", OpLt, 1}, false},
	} {
		if got := st.mayMatch("id", types.Long, tc.term); got != tc.want {
			t.Errorf("%v: %v, want %v (stats %s)", tc.term, got, tc.want, a.Stats)
		}
	}
}
