package delta

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	pqschema "github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// nestedRows is an (id BIGINT, p STRING, s STRUCT<a: INT>) batch.
func nestedRows(idv []int64, pv []string) batch.Reader {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "p", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "s", Type: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true}), Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(idv, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(pv, nil)
	sb := b.Field(2).(*array.StructBuilder)
	for _, v := range idv {
		sb.Append(true)
		sb.FieldBuilder(0).(*array.Int32Builder).Append(int32(v * 10))
	}
	return batch.FromSlice(schema, b.NewRecordBatch())
}

// TestColumnMappingWrite: creating a table with column mapping assigns
// ids and physical names to every field, writes Parquet columns under
// physical names with field ids, keys partition values and stats by
// physical name, and reads back logical names; appends with new columns
// continue the ids.
func TestColumnMappingWrite(t *testing.T) {
	for _, mode := range []string{"name", "id"} {
		t.Run(mode, func(t *testing.T) {
			ctx := t.Context()
			st := storage.NewMemory()
			tbl, _ := Open(ctx, st)
			props := map[string]string{"delta.columnMapping.mode": mode}
			if _, err := tbl.Write(ctx, nestedRows([]int64{1, 2}, []string{"x", "y"}), WriteOptions{Properties: props, PartitionBy: []string{"p"}}); err != nil {
				t.Fatal(err)
			}
			c := commitOf(t, st, 0)
			wantProtocol(t, c.protocol, `{"minReaderVersion":2,"minWriterVersion":5}`)
			if got := c.metadata.Configuration["delta.columnMapping.maxColumnId"]; got != "4" {
				t.Fatalf("maxColumnId %q, want 4 (id, p, s, s.a)", got)
			}
			schema, err := types.ParseSchema([]byte(c.metadata.SchemaString))
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			phys := map[string]string{}
			var walk func(prefix string, st types.StructType)
			walk = func(prefix string, st types.StructType) {
				for _, f := range st.Fields {
					id, ok := columnID(f)
					pn, _ := f.Metadata[cmPhysicalName].(string)
					if !ok || !strings.HasPrefix(pn, "col-") {
						t.Fatalf("field %s%s metadata %v lacks id or col-<uuid> physical name", prefix, f.Name, f.Metadata)
					}
					ids = append(ids, id)
					phys[prefix+f.Name] = pn
					if sub, ok := f.Type.(types.StructType); ok {
						walk(prefix+f.Name+".", sub)
					}
				}
			}
			walk("", schema)
			if !reflect.DeepEqual(ids, []int64{1, 2, 3, 4}) {
				t.Fatalf("column ids %v, want 1..4 in schema order", ids)
			}
			for _, a := range c.adds {
				if _, ok := a.PartitionValues[phys["p"]]; !ok || len(a.PartitionValues) != 1 {
					t.Fatalf("partition values %v not keyed by physical name %s", a.PartitionValues, phys["p"])
				}
				if !strings.HasPrefix(a.Path, phys["p"]+"=") {
					t.Fatalf("path %s not under the physical partition directory", a.Path)
				}
				stats, err := ParseStats(a.Stats)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := stats.MinValues[phys["id"]]; !ok {
					t.Fatalf("stats %s not keyed by physical name %s", a.Stats, phys["id"])
				}
				nested, _ := stats.MinValues[phys["s"]].(map[string]any)
				if _, ok := nested[phys["s.a"]]; !ok {
					t.Fatalf("nested stats %s not keyed by physical names", a.Stats)
				}
			}
			// The Parquet file itself stores physical names and field ids.
			key, _ := decodePath(c.adds[0].Path, st.URL())
			raw, err := st.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			pf, err := file.NewParquetReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			root := pf.MetaData().Schema.Root()
			pf.Close()
			for i, name := range []string{"id", "s"} {
				col := root.Field(i)
				if col.Name() != phys[name] || col.FieldID() != int32(i*2+1) {
					t.Fatalf("file column %d: %s (field id %d), want %s with field id %d", i, col.Name(), col.FieldID(), phys[name], i*2+1)
				}
			}
			if nested := root.Field(1).(*pqschema.GroupNode).Field(0); nested.Name() != phys["s.a"] || nested.FieldID() != 4 {
				t.Fatalf("nested file column %s (field id %d), want %s with field id 4", nested.Name(), nested.FieldID(), phys["s.a"])
			}
			if got, want := scanRows(t, ctx, tbl), []string{"1 | x | {\"a\":10}", "2 | y | {\"a\":20}"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("rows %q, want %q", got, want)
			}

			// An append adding a column continues the ids.
			if _, err := tbl.Write(ctx, idsAndExtra(3, "z"), WriteOptions{MergeSchema: true}); err != nil {
				t.Fatal(err)
			}
			c1 := commitOf(t, st, 1)
			if c1.protocol != nil || c1.metadata.Configuration["delta.columnMapping.maxColumnId"] != "5" {
				t.Fatalf("merge commit: protocol %+v, configuration %v", c1.protocol, c1.metadata.Configuration)
			}
			snap, _ := tbl.Snapshot(ctx)
			extra := snap.Schema().Fields[3]
			if id, _ := columnID(extra); id != 5 || !strings.HasPrefix(physicalName(extra), "col-") {
				t.Fatalf("new column metadata %v", extra.Metadata)
			}
			want := []string{"1 | x | {\"a\":10} | (null)", "2 | y | {\"a\":20} | (null)", "3 | (null) | (null) | z"}
			if got := scanRows(t, ctx, tbl); !reflect.DeepEqual(got, want) {
				t.Fatalf("rows after merge %q, want %q", got, want)
			}
		})
	}
}

// idsAndExtra is an (id BIGINT, extra STRING) batch of one row.
func idsAndExtra(id int64, extra string) batch.Reader {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "extra", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).Append(id)
	b.Field(1).(*array.StringBuilder).Append(extra)
	return batch.FromSlice(schema, b.NewRecordBatch())
}

// TestColumnMappingEnableLater: setting name mode on an existing table
// upgrades the protocol to reader 2 / writer 5 and maps the existing
// columns to their display names (the files already use them), so old
// and new files read back alike.
func TestColumnMappingEnableLater(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, idsAndParts([]int64{1}, []string{"a"}), WriteOptions{PartitionBy: []string{"p"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, idsAndParts([]int64{2}, []string{"b"}), WriteOptions{Properties: map[string]string{"delta.columnMapping.mode": "name"}}); err != nil {
		t.Fatal(err)
	}
	c := commitOf(t, st, 1)
	wantProtocol(t, c.protocol, `{"minReaderVersion":2,"minWriterVersion":5}`)
	schema, _ := types.ParseSchema([]byte(c.metadata.SchemaString))
	for i, f := range schema.Fields {
		if id, _ := columnID(f); physicalName(f) != f.Name || id != int64(i+1) {
			t.Fatalf("field %s metadata %v, want its own name as physical name and id %d", f.Name, f.Metadata, i+1)
		}
	}
	if c.info["isBlindAppend"] != false {
		t.Fatalf("protocol-changing commit marked blind append")
	}
	if got, want := scanRows(t, ctx, tbl), []string{"1 | a", "2 | b"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
}

func TestColumnMappingModeChanges(t *testing.T) {
	for _, tc := range []struct {
		name, from, to string
		ok             bool
	}{
		{"none to id", "", "id", false},
		{"name to id", "name", "id", false},
		{"name to none", "name", "none", false},
		{"name stays name", "name", "name", true},
		{"bogus mode", "", "bogus", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			tbl, _ := Open(ctx, storage.NewMemory())
			var props map[string]string
			if tc.from != "" {
				props = map[string]string{"delta.columnMapping.mode": tc.from}
			}
			if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{Properties: props}); err != nil {
				t.Fatal(err)
			}
			_, err := tbl.Write(ctx, ids(1, 2), WriteOptions{Properties: map[string]string{"delta.columnMapping.mode": tc.to}})
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrUnsupportedFeature)) {
				t.Fatalf("change %q -> %q: %v, want ok=%v", tc.from, tc.to, err, tc.ok)
			}
			if got := scanRows(t, ctx, tbl); tc.ok && len(got) != 2 || !tc.ok && len(got) != 1 {
				t.Fatalf("rows %v", got)
			}
		})
	}
}

// TestRacedCreateWithFeatures: a create that loses the race to an
// identical create is retried as an append only when its files and
// actions fit the winner's table; column-mapped files (random physical
// names) and in-commit timestamps do not.
func TestRacedCreateWithFeatures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
		ok    bool
	}{
		{"plain", nil, true},
		{"column mapping", map[string]string{"delta.columnMapping.mode": "name"}, false},
		{"in-commit timestamps", map[string]string{"delta.enableInCommitTimestamps": "true"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			tbl, _ := Open(ctx, storage.NewMemory())
			opts := WriteOptions{Properties: tc.props, stampsInCommitTimestamp: true}
			plan, err := planWrite(nil, ids(0, 1).Schema(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{Properties: tc.props}); err != nil {
				t.Fatal(err)
			}
			_, err = tbl.appendToRacedCreate(ctx, plan, []Action{{CommitInfo: map[string]any{"operation": "WRITE"}}}, opts)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrConcurrentModification)) {
				t.Fatalf("retry: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestColumnMappingSkippingAfterCheckpoint: stats and partition values
// keyed by physical names drive data skipping on logical column names,
// before and after a checkpoint.
func TestColumnMappingSkippingAfterCheckpoint(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	props := map[string]string{"delta.columnMapping.mode": "name", "delta.checkpointInterval": "5"}
	for i := int64(0); i < 7; i++ {
		opts := WriteOptions{PartitionBy: []string{"p"}}
		if i == 0 {
			opts.Properties = props
		}
		p := []string{"a", "b"}[i%2]
		if _, err := tbl.Write(ctx, idsAndParts([]int64{i * 10, i*10 + 1}, []string{p, p}), opts); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		term Term
		want int
	}{
		{"stats on id", Term{Column: "id", Op: OpGe, Value: int64(60)}, 1},
		{"partition p", Term{Column: "P", Op: OpEq, Value: "b"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, err := tbl.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			files, err := snap.SkipFiles(Predicate{And: []Term{tc.term}})
			if err != nil || len(files) != tc.want {
				t.Fatalf("kept %d files, %v; want %d", len(files), err, tc.want)
			}
		})
	}
	if _, err := st.Stat(ctx, "_delta_log/00000000000000000005.checkpoint.parquet"); err != nil {
		t.Fatalf("no checkpoint at version 5: %v", err)
	}
}

// TestMetadataForCommit: a metadata change staged by a transaction gets
// column mapping for its new columns and the protocol its properties need.
func TestMetadataForCommit(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		name         string
		props        map[string]string
		set          map[string]string
		addColumn    bool
		wantProtocol string // "" for no upgrade
		wantMaxID    string
	}{
		{"mapped table gains a column", map[string]string{"delta.columnMapping.mode": "name"}, nil, true, "", "2"},
		{"enable change data feed", nil, map[string]string{"delta.enableChangeDataFeed": "true"}, false, `{"minReaderVersion":1,"minWriterVersion":4}`, ""},
		{"enable column mapping", nil, map[string]string{"delta.columnMapping.mode": "name"}, false, `{"minReaderVersion":2,"minWriterVersion":5}`, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl, _ := Open(ctx, storage.NewMemory())
			if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{Properties: tc.props}); err != nil {
				t.Fatal(err)
			}
			snap, _ := tbl.Snapshot(ctx)
			md := snap.Metadata()
			conf := map[string]string{}
			for k, v := range md.Configuration {
				conf[k] = v
			}
			for k, v := range tc.set {
				conf[k] = v
			}
			md.Configuration = conf
			if tc.addColumn {
				s := snap.Schema()
				s.Fields = append(append([]types.StructField(nil), s.Fields...), types.Field("extra", types.String))
				b, _ := types.MarshalSchema(s)
				md.SchemaString = string(b)
			}
			got, p, err := metadataForCommit(snap, md, false)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantProtocol == "" && p != nil {
				t.Fatalf("protocol %+v, want none", p)
			} else if tc.wantProtocol != "" {
				wantProtocol(t, p, tc.wantProtocol)
			}
			if got.Configuration["delta.columnMapping.maxColumnId"] != tc.wantMaxID {
				t.Fatalf("maxColumnId %q, want %q", got.Configuration["delta.columnMapping.maxColumnId"], tc.wantMaxID)
			}
			if tc.wantMaxID != "" {
				s, _ := types.ParseSchema([]byte(got.SchemaString))
				last := s.Fields[len(s.Fields)-1]
				if id, _ := columnID(last); strconv.FormatInt(id, 10) != tc.wantMaxID || physicalName(last) == "" {
					t.Fatalf("last column metadata %v", last.Metadata)
				}
			}
		})
	}
}
