package delta

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

func TestUpgradeProtocol(t *testing.T) {
	p := func(r, w int, rf, wf []string) *Protocol {
		return &Protocol{MinReaderVersion: r, MinWriterVersion: w, ReaderFeatures: rf, WriterFeatures: wf}
	}
	for _, tc := range []struct {
		name string
		cur  *Protocol
		need []string
		want *Protocol
	}{
		{"new plain table", nil, nil, p(1, 2, nil, nil)},
		{"new append-only", nil, []string{"appendOnly"}, p(1, 2, nil, nil)},
		{"new check constraint", nil, []string{"checkConstraints"}, p(1, 3, nil, nil)},
		{"new change data feed", nil, []string{"changeDataFeed"}, p(1, 4, nil, nil)},
		{"new generated columns", nil, []string{"generatedColumns"}, p(1, 4, nil, nil)},
		{"new column mapping", nil, []string{"columnMapping"}, p(2, 5, nil, nil)},
		{"new timestamp ntz", nil, []string{"timestampNtz"}, p(3, 7, []string{"timestampNtz"}, []string{"timestampNtz"})},
		{"new in-commit timestamps", nil, []string{"inCommitTimestamp"}, p(1, 7, nil, []string{"inCommitTimestamp"})},
		{"new mapping with domains keeps reader 2", nil, []string{"columnMapping", "domainMetadata"}, p(2, 7, nil, []string{"columnMapping", "domainMetadata"})},
		{"new cdf and ntz", nil, []string{"changeDataFeed", "timestampNtz"}, p(3, 7, []string{"timestampNtz"}, []string{"changeDataFeed", "timestampNtz"})},
		{"legacy already enough", p(1, 4, nil, nil), []string{"changeDataFeed", "checkConstraints"}, nil},
		{"legacy bump", p(1, 2, nil, nil), []string{"changeDataFeed"}, p(1, 4, nil, nil)},
		{"legacy to mapping", p(1, 3, nil, nil), []string{"columnMapping"}, p(2, 5, nil, nil)},
		{"legacy to features lists implied ones", p(1, 2, nil, nil), []string{"inCommitTimestamp"},
			p(1, 7, nil, []string{"appendOnly", "inCommitTimestamp", "invariants"})},
		{"reader 2 to reader features", p(2, 5, nil, nil), []string{"timestampNtz"},
			p(3, 7, []string{"columnMapping", "timestampNtz"}, []string{"appendOnly", "changeDataFeed", "checkConstraints", "columnMapping", "generatedColumns", "invariants", "timestampNtz"})},
		{"features add one", p(3, 7, []string{"deletionVectors"}, []string{"deletionVectors"}), []string{"changeDataFeed"},
			p(3, 7, []string{"deletionVectors"}, []string{"changeDataFeed", "deletionVectors"})},
		{"features reader feature on writer-only table", p(1, 7, nil, []string{"appendOnly"}), []string{"timestampNtz"},
			p(3, 7, []string{"timestampNtz"}, []string{"appendOnly", "timestampNtz"})},
		{"features already listed", p(1, 7, nil, []string{"domainMetadata"}), []string{"domainMetadata"}, nil},
		{"legacy feature missing from feature list", p(1, 7, nil, []string{"appendOnly"}), []string{"checkConstraints"},
			p(1, 7, nil, []string{"appendOnly", "checkConstraints"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := upgradeProtocol(tc.cur, tc.need)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("upgradeProtocol(%+v, %v) = %+v, want %+v", tc.cur, tc.need, got, tc.want)
			}
		})
	}
}

// TestWriteRefusesUnknownWriterFeatures: a writer must implement every
// writer feature a table lists; an unknown one is named in the error.
func TestWriteRefusesUnknownWriterFeatures(t *testing.T) {
	for _, tc := range []struct{ name, protocol, feature string }{
		{"unknown feature", `{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","fancyNewThing"]}`, "fancyNewThing"},
		{"row tracking", `{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["rowTracking"]}`, "rowTracking"},
		{"identity columns", `{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["identityColumns"]}`, "identityColumns"},
		{"writer version 8", `{"minReaderVersion":1,"minWriterVersion":8}`, "writer version 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl := rawTable(t, tc.protocol, `{}`, "")
			_, err := tbl.Write(t.Context(), ids(0, 1), WriteOptions{})
			if !errors.Is(err, ErrUnsupportedFeature) || !strings.Contains(err.Error(), tc.feature) {
				t.Fatalf("write: %v, want ErrUnsupportedFeature naming %s", err, tc.feature)
			}
			if _, err := tbl.WriteChangeFiles(t.Context(), ids(0, 1), ChangeInsert, nil); !errors.Is(err, ErrUnsupportedFeature) {
				t.Fatalf("write change files: %v, want ErrUnsupportedFeature", err)
			}
		})
	}
}

// commitOf reads the actions of commit v and checks the commitInfo
// comes first, as in-commit timestamps require and Spark always does.
func commitOf(t *testing.T, st storage.Store, v int64) commitActions {
	t.Helper()
	acts, err := readCommit(t.Context(), st, v)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) == 0 || acts[0].CommitInfo == nil {
		t.Fatalf("commit %d: first action is not commitInfo", v)
	}
	var c commitActions
	for _, a := range acts {
		switch {
		case a.CommitInfo != nil:
			c.info = a.CommitInfo
		case a.Protocol != nil:
			c.protocol = a.Protocol
		case a.MetaData != nil:
			c.metadata = a.MetaData
		case a.Add != nil:
			c.adds = append(c.adds, a.Add)
		case a.CDC != nil:
			c.cdcs = append(c.cdcs, a.CDC)
		case a.DomainMetadata != nil:
			c.domains = append(c.domains, a.DomainMetadata)
		}
	}
	return c
}

type commitActions struct {
	info     map[string]any
	protocol *Protocol
	metadata *Metadata
	adds     []*AddFile
	cdcs     []*AddCDCFile
	domains  []*DomainMetadata
}

func wantProtocol(t *testing.T, got *Protocol, want string) {
	t.Helper()
	if got == nil {
		t.Fatalf("no protocol action, want %s", want)
	}
	b, _ := MarshalActions([]Action{{Protocol: got}})
	if s := strings.TrimSpace(string(b)); s != `{"protocol":`+want+`}` {
		t.Fatalf("protocol %s, want %s", s, want)
	}
}

// idsAndParts is an (id BIGINT, p STRING) batch.
func idsAndParts(idv []int64, pv []string) batch.Reader {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "p", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(idv, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(pv, nil)
	return batch.FromSlice(schema, b.NewRecordBatch())
}

func scanRows(t *testing.T, ctx context.Context, tbl *Table) []string {
	t.Helper()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := snap.Scan(ctx, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := rowStrings(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// dataFiles lists the non-log objects of a store (data and cdc files).
func dataFiles(t *testing.T, st storage.Store) []string {
	t.Helper()
	infos, err := st.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, i := range infos {
		if !strings.HasPrefix(i.Path, "_delta_log/") {
			out = append(out, i.Path)
		}
	}
	return out
}

// TestTimestampNTZWrite: a TIMESTAMP_NTZ column enables the timestampNtz
// reader-writer feature, at create and when schema evolution adds one to
// an existing table (whose implied legacy features get listed).
func TestTimestampNTZWrite(t *testing.T) {
	ntz := func() batch.Reader {
		schema := arrow.NewSchema([]arrow.Field{
			{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			{Name: "at", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		}, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).Append(7)
		b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(1_700_000_000_000_000))
		return batch.FromSlice(schema, b.NewRecordBatch())
	}
	for _, tc := range []struct {
		name  string
		setup func(*Table) error
		v     int64
		want  string
	}{
		{"at create", func(*Table) error { return nil }, 0,
			`{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz"]}`},
		{"schema evolution", func(tbl *Table) error {
			_, err := tbl.Write(t.Context(), ids(0, 1), WriteOptions{})
			return err
		}, 1, `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["appendOnly","invariants","timestampNtz"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			st := storage.NewMemory()
			tbl, _ := Open(ctx, st)
			if err := tc.setup(tbl); err != nil {
				t.Fatal(err)
			}
			if _, err := tbl.Write(ctx, ntz(), WriteOptions{MergeSchema: true}); err != nil {
				t.Fatal(err)
			}
			wantProtocol(t, commitOf(t, st, tc.v).protocol, tc.want)
			rows := scanRows(t, ctx, tbl)
			if got := rows[len(rows)-1]; got != "7 | 2023-11-14T22:13:20" {
				t.Fatalf("rows %q", rows)
			}
		})
	}
}
