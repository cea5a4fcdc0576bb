package sql

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/datadriven"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// memTable is a plan.Source over batches computed once, standing in for
// the session's Delta tables.
type memTable struct {
	name    string
	schema  types.StructType
	batches []arrow.RecordBatch
}

func (m *memTable) Name() string             { return m.name }
func (m *memTable) Schema() types.StructType { return m.schema }
func (m *memTable) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	out := make([]arrow.RecordBatch, 0, len(m.batches))
	for _, b := range m.batches {
		if req.Columns == nil {
			b.Retain()
			out = append(out, b)
			continue
		}
		cols := make([]arrow.Array, len(req.Columns))
		fs := make([]types.StructField, len(req.Columns))
		for i, c := range req.Columns {
			cols[i] = b.Column(c)
			fs[i] = m.schema.Fields[c]
		}
		out = append(out, arrayRecord(types.StructType{Fields: fs}, cols, b.NumRows()))
	}
	schema := m.schema
	if req.Columns != nil {
		fs := make([]types.StructField, len(req.Columns))
		for i, c := range req.Columns {
			fs[i] = m.schema.Fields[c]
		}
		schema = types.StructType{Fields: fs}
	}
	return batch.FromSlice(schema.ArrowSchema(), out...), nil
}

// fakeResolver resolves tables of the default database ("db.t" and "t"
// are the same table) the way the session does: a Scan aliased by the
// table name. Version n of a table is registered as "t@n".
type fakeResolver struct {
	tables map[string]*memTable
	calls  []string
}

func (r *fakeResolver) ResolveTable(ctx context.Context, name TableName, tt *TimeTravel) (plan.Node, error) {
	key := strings.ToLower(name.Name)
	if name.IsPath() {
		key = name.Path
	}
	if tt != nil {
		if tt.Version == nil {
			return nil, errors.New("[UNSUPPORTED_FEATURE] TIMESTAMP AS OF")
		}
		key = fmt.Sprintf("%s@%d", key, *tt.Version)
	}
	r.calls = append(r.calls, key)
	t, ok := r.tables[key]
	if !ok {
		return nil, fmt.Errorf("[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be found.", tableSQL(name))
	}
	return &plan.Scan{Source: t, Alias: strings.ToLower(name.Name)}, nil
}

// TestPlanner runs testdata/planner.txt:
//
//	table name=t         defines table t as the result of a query
//	plan                 the unanalyzed plan the query becomes
//	analyze              the analyzed plan
//	schema               the analyzed plan's printSchema
//	query [rowsort]      the result: a header of column names, then rows
//	error                the error planning or running the query gives
func TestPlanner(t *testing.T) {
	ctx := context.Background()
	r := &fakeResolver{tables: map[string]*memTable{}}
	datadriven.RunTest(t, "testdata/planner.txt", func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "table":
			var name string
			d.ScanArgs(t, "name", &name)
			n := mustPlan(t, d.Input, r)
			a, err := plan.Analyze(n)
			if err != nil {
				t.Fatalf("%s: %v", d.Pos, err)
			}
			bs := collect(t, ctx, memory.DefaultAllocator, a)
			r.tables[strings.ToLower(name)] = &memTable{name: "default." + name, schema: a.Schema().ToStruct(), batches: bs}
			return ""
		case "plan":
			return plan.Explain(mustPlan(t, d.Input, r))
		case "analyze":
			a, err := plan.Analyze(mustPlan(t, d.Input, r))
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return plan.Explain(a)
		case "schema":
			a, err := plan.Analyze(mustPlan(t, d.Input, r))
			if err != nil {
				t.Fatalf("%s: %v", d.Pos, err)
			}
			return a.Schema().ToStruct().TreeString()
		case "query":
			n := mustPlan(t, d.Input, r)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			a, err := plan.Analyze(n)
			if err != nil {
				t.Fatalf("%s: %v", d.Pos, err)
			}
			bs := collect(t, expr.WithAllocator(ctx, mem), mem, a)
			defer batch.Release(bs)
			return formatRows(t, a.Schema(), bs, d.HasArg("rowsort"))
		case "error":
			q, err := Parse(d.Input)
			if err != nil {
				return err.Error() + "\n"
			}
			n, err := PlanQuery(ctx, q.(*Query), r)
			if err == nil {
				_, err = plan.Analyze(n)
			}
			if err == nil {
				t.Fatalf("%s: expected an error", d.Pos)
			}
			return err.Error() + "\n"
		}
		t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
		return ""
	})
}

func mustPlan(t *testing.T, text string, r Resolver) plan.Node {
	t.Helper()
	st, err := Parse(text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	q, ok := st.(*Query)
	if !ok {
		t.Fatalf("%q is a %T, not a query", text, st)
	}
	n, err := PlanQuery(context.Background(), q, r)
	if err != nil {
		t.Fatalf("plan %q: %v", text, err)
	}
	return n
}

func collect(t *testing.T, ctx context.Context, mem memory.Allocator, n plan.Node) []arrow.RecordBatch {
	t.Helper()
	// Run the optimized plan, as the session does (Execute analyzes it
	// again, which must be a no-op).
	rd, err := plan.Execute(ctx, plan.Optimize(n), plan.ExecOptions{Parallelism: 2, BatchSize: 3})
	if err != nil {
		t.Fatalf("execute: %v", err)
	}
	defer rd.Close()
	var out []arrow.RecordBatch
	for {
		b, err := rd.Next(ctx)
		if err == io.EOF {
			return out
		}
		if err != nil {
			batch.Release(out)
			t.Fatalf("execute: %v", err)
		}
		out = append(out, b)
	}
}

// formatRows renders a result as its column names, then one line per row
// of cells as CAST(v AS STRING) prints them, NULL for null.
func formatRows(t *testing.T, s plan.Schema, bs []arrow.RecordBatch, sorted bool) string {
	t.Helper()
	names := make([]string, s.Len())
	for i, c := range s.Columns {
		names[i] = c.Name
	}
	var rows []string
	for _, b := range bs {
		cells := make([][]string, b.NumCols())
		for c := range cells {
			col := b.Column(c)
			from := s.Columns[c].Type
			str, err := expr.CastArray(memory.DefaultAllocator, col, from, types.String)
			if err != nil {
				t.Fatalf("format column %s: %v", names[c], err)
			}
			cells[c] = make([]string, col.Len())
			for i := 0; i < col.Len(); i++ {
				if str.IsNull(i) {
					cells[c][i] = "NULL"
				} else {
					cells[c][i] = str.ValueStr(i)
				}
			}
			str.Release()
		}
		for i := 0; i < int(b.NumRows()); i++ {
			row := make([]string, len(cells))
			for c := range cells {
				row[c] = cells[c][i]
			}
			rows = append(rows, strings.Join(row, " | "))
		}
	}
	if sorted {
		sort.Strings(rows)
	}
	return strings.Join(append([]string{strings.Join(names, " | ")}, rows...), "\n") + "\n"
}

func arrayRecord(st types.StructType, cols []arrow.Array, rows int64) arrow.RecordBatch {
	return array.NewRecordBatch(st.ArrowSchema(), cols, rows)
}
