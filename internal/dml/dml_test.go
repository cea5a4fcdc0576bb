package dml

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

var rowSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "grp", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "val", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// rowsOf builds a batch of (id, grp, val); a val < 0 stands for NULL.
func rowsOf(ids []int64, grp string, vals []int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, rowSchema)
	defer b.Release()
	for i, id := range ids {
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(grp)
		if vals[i] < 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Int64Builder).Append(vals[i])
		}
	}
	return b.NewRecordBatch()
}

// newTable: partitioned by grp; a = {1:10, 2:NULL}, b = {3:30, 4:40}.
func newTable(t testing.TB, ctx context.Context) (*delta.Table, storage.Store) {
	t.Helper()
	st := storage.NewMemory()
	tbl, _ := delta.Open(ctx, st)
	for _, r := range []arrow.RecordBatch{rowsOf([]int64{1, 2}, "a", []int64{10, -1}), rowsOf([]int64{3, 4}, "b", []int64{30, 40})} {
		if _, err := tbl.Write(ctx, batch.FromSlice(rowSchema, r), delta.WriteOptions{PartitionBy: []string{"grp"}}); err != nil {
			t.Fatal(err)
		}
	}
	return tbl, st
}

func parse(t testing.TB, s string) expr.Expr {
	t.Helper()
	if s == "" {
		return nil
	}
	e, err := sql.ParseExpr(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// contents returns the table's rows as "id/grp/val" strings, sorted.
func contents(t testing.TB, ctx context.Context, tbl *delta.Table) []string {
	t.Helper()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := snap.Scan(ctx, delta.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := batch.ReadAll(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Release(bs)
	var out []string
	for _, b := range bs {
		for i := 0; i < int(b.NumRows()); i++ {
			var cells []string
			for c := 0; c < int(b.NumCols()); c++ {
				col := b.Column(c)
				if col.IsNull(i) {
					cells = append(cells, "NULL")
				} else {
					cells = append(cells, col.ValueStr(i))
				}
			}
			out = append(out, strings.Join(cells, "/"))
		}
	}
	sort.Strings(out)
	return out
}

func source(t testing.TB, ids, vals []int64) plan.Node {
	rec := rowsOf(ids, "s", vals)
	st, err := types.FromArrowSchema(rowSchema)
	if err != nil {
		t.Fatal(err)
	}
	return &plan.SubqueryAlias{Alias: "s", Input: &plan.LocalRelation{Struct: st, Batches: []arrow.RecordBatch{rec}}}
}

func target(tbl *delta.Table) Target {
	return Target{Table: tbl, Name: "t", ParseConstraint: sql.ParseExpr, Exec: plan.ExecOptions{Parallelism: 1}}
}

func TestStatements(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func(*delta.Table) (Result, error)
		want []string
		// wantRes is Affected/Deleted/Updated/Inserted/Copied.
		wantRes string
		// metrics that must be in commitInfo.operationMetrics.
		metrics map[string]string
		op      string
	}{
		{
			name: "delete with a NULL condition row kept",
			run: func(tbl *delta.Table) (Result, error) {
				return Delete(ctx, target(tbl), parse(t, "val > 5 AND val < 35"))
			},
			want: []string{"2/a/NULL", "4/b/40"}, wantRes: "2/2/0/0/2", op: "DELETE",
			metrics: map[string]string{"numDeletedRows": "2", "numCopiedRows": "2", "numRemovedFiles": "2", "numAddedFiles": "2"},
		},
		{
			name: "delete of a whole file does not rewrite it",
			run: func(tbl *delta.Table) (Result, error) {
				return Delete(ctx, target(tbl), parse(t, "grp = 'b'"))
			},
			want: []string{"1/a/10", "2/a/NULL"}, wantRes: "2/2/0/0/0", op: "DELETE",
			metrics: map[string]string{"numDeletedRows": "2", "numCopiedRows": "0", "numRemovedFiles": "1", "numAddedFiles": "0"},
		},
		{
			name: "update skips NULL conditions and casts",
			run: func(tbl *delta.Table) (Result, error) {
				return Update(ctx, target(tbl), []Assignment{{Column: "val", Value: parse(t, "val * 2 + 0.4")}}, parse(t, "val >= 10"))
			},
			want: []string{"1/a/20", "2/a/NULL", "3/b/60", "4/b/80"}, wantRes: "3/0/3/0/1", op: "UPDATE",
			metrics: map[string]string{"numUpdatedRows": "3", "numCopiedRows": "1", "numRemovedFiles": "2", "numAddedFiles": "2"},
		},
		{
			name: "merge update delete insert",
			run: func(tbl *delta.Table) (Result, error) {
				return Merge(ctx, target(tbl), MergeSpec{
					Source: source(t, []int64{1, 3, 9}, []int64{100, 300, 900}),
					On:     parse(t, "t.id = s.id"),
					Clauses: []Clause{
						{Match: Matched, Cond: parse(t, "t.id = 3"), Action: DeleteAction},
						{Match: Matched, Action: UpdateAction, Set: []Assignment{{Column: "val", Value: parse(t, "s.val")}}},
						{Match: NotMatched, Action: InsertAction, Columns: []string{"id", "val", "grp"}, Values: []expr.Expr{parse(t, "s.id"), parse(t, "s.val"), parse(t, "'c'")}},
					},
				})
			},
			want: []string{"1/a/100", "2/a/NULL", "4/b/40", "9/c/900"}, wantRes: "3/1/1/1/2", op: "MERGE",
			metrics: map[string]string{"numSourceRows": "3", "numTargetRowsUpdated": "1", "numTargetRowsDeleted": "1",
				"numTargetRowsInserted": "1", "numTargetRowsCopied": "2", "numTargetFilesRemoved": "2"},
		},
		{
			name: "merge not matched by source",
			run: func(tbl *delta.Table) (Result, error) {
				return Merge(ctx, target(tbl), MergeSpec{
					Source: source(t, []int64{1}, []int64{0}),
					On:     parse(t, "t.id = s.id"),
					Clauses: []Clause{
						{Match: NotMatchedBySource, Cond: parse(t, "t.val IS NULL"), Action: DeleteAction},
						{Match: NotMatchedBySource, Action: UpdateAction, Set: []Assignment{{Column: "val", Value: parse(t, "-1")}}},
					},
				})
			},
			want: []string{"1/a/10", "3/b/-1", "4/b/-1"}, wantRes: "3/1/2/0/1", op: "MERGE",
			metrics: map[string]string{"numTargetRowsNotMatchedBySourceUpdated": "2", "numTargetRowsNotMatchedBySourceDeleted": "1"},
		},
		{
			name: "merge insert only appends",
			run: func(tbl *delta.Table) (Result, error) {
				return Merge(ctx, target(tbl), MergeSpec{
					Source:  source(t, []int64{4, 5}, []int64{0, 50}),
					On:      parse(t, "t.id = s.id"),
					Clauses: []Clause{{Match: NotMatched, Action: InsertAction, Star: true}},
				})
			},
			want: []string{"1/a/10", "2/a/NULL", "3/b/30", "4/b/40", "5/s/50"}, wantRes: "1/0/0/1/0", op: "MERGE",
			metrics: map[string]string{"numTargetRowsInserted": "1", "numTargetFilesRemoved": "0", "numTargetFilesAdded": "1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl, st := newTable(t, ctx)
			res, err := tc.run(tbl)
			if err != nil {
				t.Fatal(err)
			}
			if got := contents(t, ctx, tbl); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
			if got := fmt.Sprintf("%d/%d/%d/%d/%d", res.Affected, res.Deleted, res.Updated, res.Inserted, res.Copied); got != tc.wantRes {
				t.Errorf("result %s, want %s", got, tc.wantRes)
			}
			checkCommit(t, ctx, st, res.Version, tc.op, tc.metrics)
		})
	}
}

// checkCommit reads the commit's JSON and checks the protocol's required
// fields of its adds and removes and the commitInfo metrics.
func checkCommit(t *testing.T, ctx context.Context, st storage.Store, v int64, op string, metrics map[string]string) {
	t.Helper()
	body, err := st.Get(ctx, fmt.Sprintf("_delta_log/%020d.json", v))
	if err != nil {
		t.Fatal(err)
	}
	required := map[string][]string{
		"remove": {"path", "deletionTimestamp", "dataChange"},
		"add":    {"path", "partitionValues", "size", "modificationTime", "dataChange", "stats"},
	}
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		var obj map[string]map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		for kind, fields := range obj {
			for _, f := range required[kind] {
				if _, ok := fields[f]; !ok {
					t.Errorf("%s lacks %s: %s", kind, f, line)
				}
			}
			if kind != "commitInfo" {
				continue
			}
			if fields["operation"] != op {
				t.Errorf("operation %v, want %s", fields["operation"], op)
			}
			got, _ := fields["operationMetrics"].(map[string]any)
			for k, want := range metrics {
				if got[k] != want {
					t.Errorf("metric %s = %v, want %s (all: %v)", k, got[k], want, got)
				}
			}
		}
	}
}

func TestMergeErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		spec    func() MergeSpec
		want    string
		commits bool // the statement still commits (no error)
	}{
		{"two source rows update one target row", func() MergeSpec {
			return MergeSpec{Source: source(t, []int64{1, 1}, []int64{5, 6}), On: parse(t, "t.id = s.id"),
				Clauses: []Clause{{Match: Matched, Action: UpdateAction, Set: []Assignment{{Column: "val", Value: parse(t, "s.val")}}}}}
		}, errMultipleMatch, false},
		{"two source rows, conditional delete", func() MergeSpec {
			return MergeSpec{Source: source(t, []int64{1, 1}, []int64{5, 6}), On: parse(t, "t.id = s.id"),
				Clauses: []Clause{{Match: Matched, Cond: parse(t, "s.val > 0"), Action: DeleteAction}}}
		}, errMultipleMatch, false},
		{"two source rows, neither clause applies", func() MergeSpec {
			return MergeSpec{Source: source(t, []int64{1, 1}, []int64{5, 6}), On: parse(t, "t.id = s.id"),
				Clauses: []Clause{{Match: Matched, Cond: parse(t, "s.val > 100"), Action: DeleteAction}}}
		}, "", true},
		{"unconditional clause not last", func() MergeSpec {
			return MergeSpec{Source: source(t, []int64{1}, []int64{5}), On: parse(t, "t.id = s.id"),
				Clauses: []Clause{{Match: Matched, Action: DeleteAction}, {Match: Matched, Cond: parse(t, "true"), Action: DeleteAction}}}
		}, "NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION", false},
		{"insert star with a column the source lacks", func() MergeSpec {
			st := types.NewStruct(types.Field("id", types.Long))
			return MergeSpec{Source: &plan.SubqueryAlias{Alias: "s", Input: &plan.LocalRelation{Struct: st}}, On: parse(t, "t.id = s.id"),
				Clauses: []Clause{{Match: NotMatched, Action: InsertAction, Star: true}}}
		}, "DELTA_MERGE_UNRESOLVED_EXPRESSION", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tbl, _ := newTable(t, ctx)
			before := contents(t, ctx, tbl)
			_, err := Merge(ctx, target(tbl), tc.spec())
			if tc.commits {
				if err != nil {
					t.Fatal(err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error with %q, got %v", tc.want, err)
			}
			if after := contents(t, ctx, tbl); strings.Join(after, " ") != strings.Join(before, " ") {
				t.Fatalf("rows changed: %v -> %v", before, after)
			}
		})
	}
}

func TestConstraintChecker(t *testing.T) {
	ctx := context.Background()
	st, _ := types.FromArrowSchema(rowSchema)
	rec := rowsOf([]int64{1, 2}, "a", []int64{10, -1})
	defer rec.Release()
	for _, tc := range []struct {
		name, check, want string
	}{
		{"holds", "id > 0", ""},
		{"false", "id < 2", "CHECK constraint c (id < 2) violated by row with values:\n - id : 2"},
		{"null is a violation", "val > 0", " - val : null"},
		{"not boolean", "id + 1", "DELTA_NON_BOOLEAN_CHECK_CONSTRAINT"},
		{"unknown column", "nope > 1", "UNRESOLVED_COLUMN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewConstraintChecker(st, []Constraint{{Name: "c", SQL: tc.check, Expr: parse(t, tc.check)}})
			if err == nil {
				err = c.Check(ctx, rec)
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

// TestUpdateChecksConstraints: a violating UPDATE fails and commits
// nothing, leaving no data file behind.
func TestUpdateChecksConstraints(t *testing.T) {
	ctx := context.Background()
	tbl, st := newTable(t, ctx)
	tx, _ := tbl.Begin(ctx)
	if err := tx.SetProperties(map[string]string{"delta.constraints.pos": "val > 0 OR val IS NULL"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx, "ADD CONSTRAINT", nil); err != nil {
		t.Fatal(err)
	}
	before, _ := st.List(ctx, "")
	_, err := Update(ctx, target(tbl), []Assignment{{Column: "val", Value: parse(t, "-val")}}, parse(t, "id = 3"))
	if err == nil || !strings.Contains(err.Error(), "[DELTA_VIOLATE_CONSTRAINT_WITH_VALUES]") {
		t.Fatalf("want a constraint violation, got %v", err)
	}
	after, _ := st.List(ctx, "")
	if len(after) != len(before) {
		t.Fatalf("store had %d objects, has %d after the failed update", len(before), len(after))
	}
	if _, err := Update(ctx, target(tbl), []Assignment{{Column: "val", Value: parse(t, "val + 1")}}, nil); err != nil {
		t.Fatalf("a satisfying update: %v", err)
	}
}

func TestFilesSourceProjection(t *testing.T) {
	ctx := context.Background()
	tbl, _ := newTable(t, ctx)
	snap, _ := tbl.Snapshot(ctx)
	src := &filesSource{table: tbl, schema: snap.Schema(), parts: snap.PartitionColumns(), files: snap.Files(), index: []int{0, 1}}
	// Hidden columns only, then a reordered projection.
	for _, tc := range []struct {
		name string
		cols []int
		want string
	}{
		{"hidden only", []int{3, 4}, "0,0|0,1|1,4294967296|1,4294967297"},
		{"reordered", []int{2, 0, 3}, "10,1,0|NULL,2,0|30,3,1|40,4,1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := src.Scan(ctx, plan.ScanRequest{Columns: tc.cols})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var rows []string
			for {
				rec, err := r.Next(ctx)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < int(rec.NumRows()); i++ {
					var cells []string
					for c := 0; c < int(rec.NumCols()); c++ {
						if rec.Column(c).IsNull(i) {
							cells = append(cells, "NULL")
						} else {
							cells = append(cells, rec.Column(c).ValueStr(i))
						}
					}
					rows = append(rows, strings.Join(cells, ","))
				}
				rec.Release()
			}
			if got := strings.Join(rows, "|"); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCandidateFiles(t *testing.T) {
	ctx := context.Background()
	tbl, _ := newTable(t, ctx)
	snap, _ := tbl.Snapshot(ctx)
	for _, tc := range []struct {
		cond string
		want int
	}{
		{"grp = 'a'", 1},
		{"'b' = t.grp", 1},
		{"t.grp = 'a' AND val > 35", 0},
		{"val > 35", 1},
		{"id <= 1", 1},
		{"s.grp = 'a'", 2},         // another relation's column
		{"grp = 'a' OR id = 3", 2}, // disjunctions are not judged
		{"id = '1'", 2},            // a string literal against a number is not judged
		{"val IS NULL", 1},
		{"", 2},
	} {
		t.Run(tc.cond, func(t *testing.T) {
			if got := len(candidateFiles(snap, "t", parse(t, tc.cond))); got != tc.want {
				t.Fatalf("%d files, want %d", got, tc.want)
			}
		})
	}
}

// TestNestedColumns: rows with struct and list columns survive DELETE,
// UPDATE and MERGE rewrites (the CASE over every column of MERGE included).
func TestNestedColumns(t *testing.T) {
	ctx := context.Background()
	stType := arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true})
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "st", Type: stType, Nullable: true},
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	for i := int64(1); i <= 3; i++ {
		b.Field(0).(*array.Int64Builder).Append(i)
		sb := b.Field(1).(*array.StructBuilder)
		sb.Append(true)
		sb.FieldBuilder(0).(*array.Int32Builder).Append(int32(i * 10))
		lb := b.Field(2).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).Append(fmt.Sprint("t", i))
	}
	rec := b.NewRecordBatch()
	b.Release()
	tbl, _ := delta.Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, batch.FromSlice(schema, rec), delta.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(ctx, target(tbl), []Assignment{{Column: "id", Value: parse(t, "id + 100")}}, parse(t, "id = 1")); err != nil {
		t.Fatalf("update: %v", err)
	}
	if _, err := Delete(ctx, target(tbl), parse(t, "id = 2")); err != nil {
		t.Fatalf("delete: %v", err)
	}
	st, _ := types.FromArrowSchema(rowSchema)
	src := &plan.SubqueryAlias{Alias: "s", Input: &plan.LocalRelation{Struct: st, Batches: []arrow.RecordBatch{rowsOf([]int64{3}, "x", []int64{7})}}}
	if _, err := Merge(ctx, target(tbl), MergeSpec{Source: src, On: parse(t, "t.id = s.id"), Clauses: []Clause{
		{Match: Matched, Action: UpdateAction, Set: []Assignment{{Column: "id", Value: parse(t, "s.val")}}},
	}}); err != nil {
		t.Fatalf("merge: %v", err)
	}
	got := contents(t, ctx, tbl)
	want := []string{`101/{"a":10}/["t1"]`, `7/{"a":30}/["t3"]`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("rows %v, want %v", got, want)
	}
}

// TestChangeDataFeed: on a table with the change data feed, each rewrite
// commits cdc files holding exactly the changed rows.
func TestChangeDataFeed(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func(*delta.Table) (Result, error)
		want []string // id/_change_type, sorted
	}{
		{"delete rewriting a file and dropping another", func(tbl *delta.Table) (Result, error) {
			return Delete(ctx, target(tbl), parse(t, "id = 1 OR grp = 'b'"))
		}, []string{"1/delete", "3/delete", "4/delete"}},
		{"delete of whole files only", func(tbl *delta.Table) (Result, error) {
			return Delete(ctx, target(tbl), parse(t, "grp = 'b'"))
		}, []string{"3/delete", "4/delete"}},
		{"update", func(tbl *delta.Table) (Result, error) {
			return Update(ctx, target(tbl), []Assignment{{Column: "id", Value: parse(t, "id * 10")}}, parse(t, "id = 3"))
		}, []string{"3/update_preimage", "30/update_postimage"}},
		{"merge", func(tbl *delta.Table) (Result, error) {
			return Merge(ctx, target(tbl), MergeSpec{Source: source(t, []int64{1, 3, 9}, []int64{0, 0, 0}), On: parse(t, "t.id = s.id"), Clauses: []Clause{
				{Match: Matched, Cond: parse(t, "t.id = 3"), Action: DeleteAction},
				{Match: Matched, Action: UpdateAction, Set: []Assignment{{Column: "id", Value: parse(t, "s.id + 100")}}},
				{Match: NotMatched, Action: InsertAction, Star: true},
			}})
		}, []string{"1/update_preimage", "101/update_postimage", "3/delete", "9/insert"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storage.NewMemory()
			tbl, _ := delta.Open(ctx, st)
			for _, r := range []arrow.RecordBatch{rowsOf([]int64{1, 2}, "a", []int64{10, -1}), rowsOf([]int64{3, 4}, "b", []int64{30, 40})} {
				if _, err := tbl.Write(ctx, batch.FromSlice(rowSchema, r), delta.WriteOptions{PartitionBy: []string{"grp"},
					Properties: map[string]string{"delta.enableChangeDataFeed": "true"}}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := tc.run(tbl)
			if err != nil {
				t.Fatal(err)
			}
			r, err := tbl.Changes(ctx, res.Version, res.Version, []string{"id"})
			if err != nil {
				t.Fatal(err)
			}
			bs, err := batch.ReadAll(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			defer batch.Release(bs)
			var got []string
			for _, b := range bs {
				for i := 0; i < int(b.NumRows()); i++ {
					got = append(got, b.Column(0).ValueStr(i)+"/"+b.Column(1).ValueStr(i))
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("changes %v, want %v", got, tc.want)
			}
		})
	}
}
