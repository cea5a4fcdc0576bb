package delta_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/storage"
)

var txnSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "part", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func txnRows(ids []int64, part string) batch.Reader {
	b := array.NewRecordBuilder(memory.DefaultAllocator, txnSchema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(ids, nil)
	for range ids {
		b.Field(1).(*array.StringBuilder).Append(part)
	}
	return batch.FromSlice(txnSchema, b.NewRecordBatch())
}

// newTxnTable makes a table partitioned by part with one file per part.
func newTxnTable(t *testing.T, ctx context.Context) (*delta.Table, storage.Store) {
	t.Helper()
	st := storage.NewMemory()
	tbl, err := delta.Open(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a", "b"} {
		if _, err := tbl.Write(ctx, txnRows([]int64{1, 2}, p), delta.WriteOptions{PartitionBy: []string{"part"}}); err != nil {
			t.Fatal(err)
		}
	}
	return tbl, st
}

func fileOf(t *testing.T, s *delta.Snapshot, part string) delta.AddFile {
	t.Helper()
	for _, f := range s.Files() {
		if v := f.PartitionValues["part"]; v != nil && *v == part {
			return f
		}
	}
	t.Fatalf("no file for part %s", part)
	return delta.AddFile{}
}

func TestTransactionConflicts(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// first commits in between the second's Begin and Commit.
		first  func(*delta.Table, *delta.Snapshot) error
		second func(*delta.Transaction) error
		// wantConflict: the second commit fails with
		// ErrConcurrentModification carrying this text.
		wantConflict string
	}{
		{
			name: "delete-delete of the same file",
			first: func(tbl *delta.Table, s *delta.Snapshot) error {
				tx, err := tbl.Begin(ctx)
				if err != nil {
					return err
				}
				tx.Remove(fileOf(t, s, "a"))
				_, err = tx.Commit(ctx, "DELETE", nil)
				return err
			},
			second: func(tx *delta.Transaction) error {
				tx.ReadWholeTable()
				tx.Remove(fileOf(t, tx.Snapshot(), "a"))
				return nil
			},
			wantConflict: "DELTA_CONCURRENT_DELETE_READ",
		},
		{
			name: "delete racing a blind append",
			first: func(tbl *delta.Table, _ *delta.Snapshot) error {
				_, err := tbl.Write(ctx, txnRows([]int64{9}, "a"), delta.WriteOptions{})
				return err
			},
			second: func(tx *delta.Transaction) error {
				tx.ReadWholeTable()
				tx.Remove(fileOf(t, tx.Snapshot(), "a"))
				return nil
			},
		},
		{
			name: "deletes of different files",
			first: func(tbl *delta.Table, s *delta.Snapshot) error {
				tx, err := tbl.Begin(ctx)
				if err != nil {
					return err
				}
				tx.Remove(fileOf(t, s, "b"))
				_, err = tx.Commit(ctx, "DELETE", nil)
				return err
			},
			second: func(tx *delta.Transaction) error {
				tx.Remove(fileOf(t, tx.Snapshot(), "a"))
				return nil
			},
		},
		{
			name: "rewrite racing a non-blind add after a whole-table read",
			first: func(tbl *delta.Table, s *delta.Snapshot) error {
				tx, err := tbl.Begin(ctx)
				if err != nil {
					return err
				}
				tx.Remove(fileOf(t, s, "b"))
				adds, err := tx.WriteFiles(ctx, txnRows([]int64{5}, "b"), nil)
				if err != nil {
					return err
				}
				tx.Add(adds...)
				_, err = tx.Commit(ctx, "UPDATE", nil)
				return err
			},
			second: func(tx *delta.Transaction) error {
				tx.ReadWholeTable()
				tx.Remove(fileOf(t, tx.Snapshot(), "a"))
				return nil
			},
			wantConflict: "DELTA_CONCURRENT_APPEND",
		},
		{
			name: "rewrite racing a compaction of the same file",
			first: func(tbl *delta.Table, s *delta.Snapshot) error {
				f := fileOf(t, s, "a")
				now := int64(1)
				compacted := f
				compacted.Path = "part=a/compacted.parquet"
				compacted.DataChange = false
				body, err := delta.MarshalActions([]delta.Action{
					{CommitInfo: map[string]any{"operation": "OPTIMIZE"}},
					{Remove: &delta.RemoveFile{Path: f.Path, DeletionTimestamp: &now, DataChange: false}},
					{Add: &compacted},
				})
				if err != nil {
					return err
				}
				return tbl.Store().PutIfAbsent(ctx, fmt.Sprintf("_delta_log/%020d.json", s.Version()+1), body)
			},
			second: func(tx *delta.Transaction) error {
				tx.Remove(fileOf(t, tx.Snapshot(), "a"))
				return nil
			},
			wantConflict: "DELTA_CONCURRENT_DELETE_READ",
		},
		{
			name: "metadata change",
			first: func(tbl *delta.Table, _ *delta.Snapshot) error {
				tx, err := tbl.Begin(ctx)
				if err != nil {
					return err
				}
				if err := tx.SetProperties(map[string]string{"k": "v"}); err != nil {
					return err
				}
				_, err = tx.Commit(ctx, "SET TBLPROPERTIES", nil)
				return err
			},
			second: func(tx *delta.Transaction) error {
				adds, err := tx.WriteFiles(ctx, txnRows([]int64{7}, "a"), nil)
				tx.Add(adds...)
				return err
			},
			wantConflict: "DELTA_METADATA_CHANGED",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl, st := newTxnTable(t, ctx)
			tx, err := tbl.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.second(tx); err != nil {
				t.Fatal(err)
			}
			if err := tc.first(tbl, tx.Snapshot()); err != nil {
				t.Fatalf("first: %v", err)
			}
			v, err := tx.Commit(ctx, "DELETE", nil)
			if tc.wantConflict == "" {
				if err != nil {
					t.Fatalf("want both to commit, got %v", err)
				}
				if v != 3 {
					t.Fatalf("second commit at version %d, want 3", v)
				}
				return
			}
			if !errors.Is(err, delta.ErrConcurrentModification) || !strings.Contains(err.Error(), tc.wantConflict) {
				t.Fatalf("want ErrConcurrentModification with %s, got %v", tc.wantConflict, err)
			}
			// The loser's data files are gone again.
			keys, err := st.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			snap, _ := tbl.Snapshot(ctx)
			live := map[string]bool{}
			for _, f := range snap.Files() {
				live[f.Path] = true
			}
			// Only the files the winner removed may remain unreferenced.
			wantStale := map[string]bool{}
			for _, f := range tx.Snapshot().Files() {
				if !live[f.Path] {
					wantStale[f.Path] = true
				}
			}
			for _, k := range keys {
				if strings.HasSuffix(k.Path, ".parquet") && !live[k.Path] && !wantStale[k.Path] {
					t.Errorf("data file %s of the failed transaction was left behind", k.Path)
				}
			}
		})
	}
}

// TestTransactionLogFields checks the commit JSON against the protocol's
// required fields of add and remove actions, and commitInfo's shape.
func TestTransactionLogFields(t *testing.T) {
	ctx := context.Background()
	tbl, st := newTxnTable(t, ctx)
	tx, err := tbl.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.ReadWholeTable()
	tx.Remove(fileOf(t, tx.Snapshot(), "a"))
	adds, err := tx.WriteFiles(ctx, txnRows([]int64{2}, "a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	tx.Add(adds...)
	tx.SetOperationMetrics(map[string]string{"numDeletedRows": "1"})
	v, err := tx.Commit(ctx, "DELETE", map[string]string{"predicate": `["(id = 1)"]`})
	if err != nil {
		t.Fatal(err)
	}
	body, err := st.Get(ctx, fmt.Sprintf("_delta_log/%020d.json", v))
	if err != nil {
		t.Fatal(err)
	}
	required := map[string][]string{
		"remove":     {"path", "deletionTimestamp", "dataChange"},
		"add":        {"path", "partitionValues", "size", "modificationTime", "dataChange", "stats"},
		"commitInfo": {"timestamp", "operation", "operationParameters", "readVersion", "isolationLevel", "isBlindAppend", "operationMetrics"},
	}
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		var obj map[string]map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		for kind, fields := range obj {
			seen[kind]++
			for _, f := range required[kind] {
				if _, ok := fields[f]; !ok {
					t.Errorf("%s action lacks %s: %s", kind, f, line)
				}
			}
			if kind == "remove" && fields["dataChange"] != true {
				t.Errorf("remove has dataChange %v", fields["dataChange"])
			}
			if kind == "commitInfo" && fields["isBlindAppend"] != false {
				t.Errorf("a delete is not a blind append: %s", line)
			}
		}
	}
	if seen["remove"] != 1 || seen["add"] != 1 || seen["commitInfo"] != 1 {
		t.Fatalf("actions %v, want one remove, add and commitInfo", seen)
	}
}

func TestTransactionMisuse(t *testing.T) {
	ctx := context.Background()
	tbl, _ := newTxnTable(t, ctx)
	for _, tc := range []struct {
		name string
		do   func(*delta.Transaction) error
		want string
	}{
		{"remove of a file not in the table", func(tx *delta.Transaction) error {
			tx.Remove(delta.AddFile{Path: "nope.parquet"})
			_, err := tx.Commit(ctx, "DELETE", nil)
			return err
		}, "not a live file"},
		{"write with an unknown column", func(tx *delta.Transaction) error {
			s := arrow.NewSchema([]arrow.Field{{Name: "zzz", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
			_, err := tx.WriteFiles(ctx, batch.FromSlice(s), nil)
			return err
		}, "zzz"},
		{"commit twice", func(tx *delta.Transaction) error {
			if _, err := tx.Commit(ctx, "NOOP", nil); err != nil {
				return err
			}
			_, err := tx.Commit(ctx, "NOOP", nil)
			return err
		}, "already finished"},
		{"append-only table", func(tx *delta.Transaction) error {
			if err := tx.SetProperties(map[string]string{"delta.appendOnly": "true"}); err != nil {
				return err
			}
			tx.Remove(tx.Snapshot().Files()[0])
			_, err := tx.Commit(ctx, "DELETE", nil)
			return err
		}, "DELTA_CANNOT_MODIFY_APPEND_ONLY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := tbl.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.do(tx); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error with %q, got %v", tc.want, err)
			}
		})
	}
}

func TestTransactionConstraintUpgradesProtocol(t *testing.T) {
	ctx := context.Background()
	tbl, _ := newTxnTable(t, ctx)
	tx, _ := tbl.Begin(ctx)
	if err := tx.SetProperties(map[string]string{"delta.constraints.pos": "id > 0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx, "ADD CONSTRAINT", nil); err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	if p := snap.Protocol(); p.MinWriterVersion < 3 {
		t.Fatalf("writer version %d after a CHECK constraint, want >= 3", p.MinWriterVersion)
	}
	// A plain Write must refuse a constrained table unless the caller checked.
	if _, err := tbl.Write(ctx, txnRows([]int64{3}, "a"), delta.WriteOptions{}); !errors.Is(err, delta.ErrUnsupportedFeature) {
		t.Fatalf("unchecked write: want ErrUnsupportedFeature, got %v", err)
	}
	if _, err := tbl.Write(ctx, txnRows([]int64{3}, "a"), delta.WriteOptions{ConstraintsChecked: true}); err != nil {
		t.Fatalf("checked write: %v", err)
	}
}

// Delete the rows of one partition and rewrite another file in one commit.
func ExampleTransaction() {
	ctx := context.Background()
	tbl, _ := delta.Open(ctx, storage.NewMemory())
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	rows := func(ids ...int64) batch.Reader {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues(ids, nil)
		col := b.NewArray()
		defer col.Release()
		return batch.FromSlice(schema, array.NewRecordBatch(schema, []arrow.Array{col}, int64(len(ids))))
	}
	if _, err := tbl.Write(ctx, rows(1, 2, 3), delta.WriteOptions{}); err != nil {
		fmt.Println(err)
		return
	}

	// DELETE FROM t WHERE id = 2, copy-on-write: drop the file, add one
	// holding the rows kept.
	tx, _ := tbl.Begin(ctx)
	tx.ReadWholeTable()
	tx.Remove(tx.Snapshot().Files()...)
	adds, err := tx.WriteFiles(ctx, rows(1, 3), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	tx.Add(adds...)
	tx.SetOperationMetrics(map[string]string{"numDeletedRows": "1", "numCopiedRows": "2"})
	v, err := tx.Commit(ctx, "DELETE", map[string]string{"predicate": `["(id = 2)"]`})
	if err != nil {
		fmt.Println(err)
		return
	}
	hist, _ := tbl.History(ctx, 1)
	fmt.Println("version", v, hist[0].Info["operation"], hist[0].Info["operationMetrics"])
	// Output: version 1 DELETE map[numCopiedRows:2 numDeletedRows:1]
}

func TestTransactionChangeFiles(t *testing.T) {
	ctx := context.Background()
	tbl, st := newTxnTable(t, ctx)
	tx, _ := tbl.Begin(ctx)
	cdcSchema := arrow.NewSchema(append(txnSchema.Fields(), arrow.Field{Name: delta.ChangeTypeColumn, Type: arrow.BinaryTypes.String, Nullable: true}), nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, cdcSchema)
	b.Field(0).(*array.Int64Builder).Append(1)
	b.Field(1).(*array.StringBuilder).Append("a")
	b.Field(2).(*array.StringBuilder).Append("delete")
	rec := b.NewRecordBatch()
	b.Release()
	cdcs, err := tx.WriteChangeFiles(ctx, batch.FromSlice(cdcSchema, rec))
	if err != nil {
		t.Fatal(err)
	}
	if len(cdcs) != 1 || !strings.HasPrefix(cdcs[0].Path, "_change_data/part=a/cdc-") || cdcs[0].DataChange {
		t.Fatalf("cdc actions %+v", cdcs)
	}
	if _, err := tx.WriteChangeFiles(ctx, txnRows([]int64{1}, "a")); err == nil {
		t.Fatal("change files without _change_type were accepted")
	}
	tx.AddChanges(cdcs...)
	v, err := tx.Commit(ctx, "DELETE", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := st.Get(ctx, fmt.Sprintf("_delta_log/%020d.json", v))
	for _, f := range []string{`"cdc":{"path":"_change_data/part=a/cdc-`, `"partitionValues":{"part":"a"}`, `"dataChange":false`, `"size":`} {
		if !strings.Contains(string(body), f) {
			t.Errorf("commit lacks %s:\n%s", f, body)
		}
	}
}
