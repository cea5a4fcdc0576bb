package plan

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

func TestAnalyzeErrors(t *testing.T) {
	patients := &memSource{name: "db.patients", schema: patientType}
	bronze := &memSource{name: "db.bronze", schema: bronzeType}
	scan := func(s *memSource, alias string) Node { return &Scan{Source: s, Alias: alias} }
	join := &Join{Left: scan(bronze, "r"), Right: scan(patients, "p"), Type: Inner,
		On: bin(expr.OpEq, qcol("r", "mrn"), qcol("p", "mrn"))}
	for _, tc := range []struct {
		name     string
		plan     Node
		sentinel error
		contains string
	}{
		{"unknown column suggests", &Project{Input: scan(patients, ""), Exprs: []expr.Expr{col("nam")}},
			ErrUnresolvedColumn, "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nam` cannot be resolved. Did you mean one of the following? [`patients`.`name`"},
		{"unknown qualifier", &Project{Input: join, Exprs: []expr.Expr{qcol("x", "mrn")}}, ErrUnresolvedColumn, "`x`.`mrn`"},
		{"ambiguous", &Project{Input: join, Exprs: []expr.Expr{col("MRN")}}, ErrAmbiguousReference, "[AMBIGUOUS_REFERENCE] Reference `MRN` is ambiguous, could be: [`r`.`mrn`, `p`.`mrn`]."},
		{"missing aggregation", &Aggregate{Input: scan(patients, ""), GroupBy: []expr.Expr{col("mrn")},
			Aggs: []expr.Expr{col("name"), agg("count", col("mrn"))}}, ErrMissingAggregation, "[MISSING_AGGREGATION]"},
		{"filter not boolean", &Filter{Input: scan(patients, ""), Cond: col("mrn")}, expr.ErrDataTypeMismatch, "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN]"},
		{"union arity", &Union{All: true, Inputs: []Node{scan(patients, ""), scan(bronze, "")}}, ErrInvalidPlan, "[NUM_COLUMNS_MISMATCH]"},
		{"using column missing", &Join{Left: scan(bronze, ""), Right: scan(patients, ""), Using: []string{"name"}}, ErrUnresolvedColumn, "[UNRESOLVED_USING_COLUMN_FOR_JOIN]"},
		{"nested aggregate", &Project{Input: scan(patients, ""), Exprs: []expr.Expr{agg("max", agg("count", col("mrn")))}}, ErrInvalidPlan, "[NESTED_AGGREGATE_FUNCTION]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Analyze(tc.plan)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v is not %v", err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
		})
	}
}

func TestResolutionAndNames(t *testing.T) {
	patients := &memSource{name: "db.patients", schema: patientType}
	bronze := &memSource{name: "db.bronze", schema: bronzeType}
	join := &Join{Left: &Scan{Source: bronze, Alias: "r"}, Right: &Scan{Source: patients, Alias: "p"}, Type: Inner,
		On: bin(expr.OpEq, qcol("r", "mrn"), qcol("p", "mrn"))}
	for _, tc := range []struct {
		name string
		e    expr.Expr
		want string // output column name and type
	}{
		{"case-insensitive qualified", qcol("P", "NAME"), "name string"},
		{"dotted name from the DataFrame API", col("p.name"), "name string"},
		// Spark 3.5 names a CAST of a bare column after the column.
		{"cast of a column keeps its name", cast(qcol("r", "device_id"), types.Integer), "device_id integer"},
		{"cast of an expression", cast(bin(expr.OpDiv, qcol("r", "time"), expr.Lit(1e6)), types.Timestamp), "CAST((time / 1000000.0) AS TIMESTAMP) timestamp"},
		{"alias", alias(qcol("p", "name"), "patient_name"), "patient_name string"},
		{"aggregate name", agg("avg", qcol("p", "mrn")), "avg(mrn) double"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Analyze(&Project{Input: join, Exprs: []expr.Expr{tc.e}})
			if err != nil {
				t.Fatal(err)
			}
			c := a.Schema().Columns[0]
			if got := c.Name + " " + c.Type.SimpleString(); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	// After an inner JOIN ... USING (mrn) the key is reachable through both
	// sides' qualifiers, and unqualified without ambiguity.
	using := &Join{Left: &Scan{Source: bronze, Alias: "r"}, Right: &Scan{Source: patients, Alias: "p"}, Type: Inner, Using: []string{"mrn"}}
	analyzedUsing, err := Analyze(using)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []expr.Expr{qcol("r", "mrn"), qcol("p", "MRN"), col("mrn")} {
		// Also over an already analyzed join: front ends analyze pieces.
		if _, err := Analyze(&Project{Input: analyzedUsing, Exprs: []expr.Expr{e}}); err != nil {
			t.Fatalf("%s over analyzed join: %v", e, err)
		}
		a, err := Analyze(&Project{Input: using, Exprs: []expr.Expr{e}})
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if got := a.Schema().Columns[0].Name; got != "mrn" {
			t.Fatalf("%s: column %q", e, got)
		}
	}
}

// TestOptimizeKeepsResults runs every fixture plan with and without the
// optimizer: the schema and the rows must not change, and the optimized
// plan must analyze again to the same rows (Execute analyzes what it is
// given, optimized or not).
func TestOptimizeKeepsResults(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	plans, release := fixtures(t, mem)
	defer release()
	ctx := compute.WithAllocator(expr.WithAllocator(context.Background(), mem), mem)
	run := func(n Node) string {
		op, err := Physical(n, ExecOptions{BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		r, err := op.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out, err := formatRows(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for name, build := range plans {
		a, err := Analyze(build())
		if err != nil {
			continue // the error fixtures
		}
		t.Run(name, func(t *testing.T) {
			o := Optimize(a)
			if got, want := o.Schema().ToStruct().TreeString(), a.Schema().ToStruct().TreeString(); got != want {
				t.Fatalf("optimized schema\n%s\nwant\n%s", got, want)
			}
			if got, want := run(o), run(a); got != want {
				t.Fatalf("optimized rows\n%s\nwant\n%s\nplan:\n%s", got, want, Explain(o))
			}
			ro, err := Analyze(o)
			if err != nil {
				t.Fatalf("optimized plan does not analyze: %v\nplan:\n%s", err, Explain(o))
			}
			if got, want := run(ro), run(a); got != want {
				t.Fatalf("re-analyzed optimized rows\n%s\nwant\n%s", got, want)
			}
			// Analysis is idempotent on an analyzed plan.
			again, err := Analyze(a)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := run(again), run(a); got != want {
				t.Fatalf("re-analyzed rows\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// After a USING join Spark keeps each side's own key as a hidden column:
// "r.k" reads the right key (NULL where a left row found no match), "r.*"
// includes it first, and * and the join's own output leave it out.
func TestUsingJoinHiddenKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	lt := types.NewStruct(types.Field("k", types.Integer), types.Field("a", types.String))
	rt := types.NewStruct(types.Field("k", types.Integer), types.Field("b", types.String))
	lb := exectest.Batch(t, mem, lt, []any{1, "x"}, []any{2, "y"})
	rb := exectest.Batch(t, mem, rt, []any{2, "q"}, []any{3, "z"})
	defer lb.Release()
	defer rb.Release()
	join := func(typ JoinType) Node {
		return &Join{
			Left:  &SubqueryAlias{Input: &LocalRelation{Struct: lt, Batches: []arrow.RecordBatch{lb}}, Alias: "l"},
			Right: &SubqueryAlias{Input: &LocalRelation{Struct: rt, Batches: []arrow.RecordBatch{rb}}, Alias: "r"},
			Type:  typ, Using: []string{"k"}}
	}
	keys := []expr.Expr{col("k"), qcol("l", "k"), qcol("r", "k")}
	stars := []expr.Expr{&expr.Star{Qualifier: "l"}, &expr.Star{Qualifier: "r"}}
	for _, tc := range []struct {
		name  string
		typ   JoinType
		exprs []expr.Expr // nil: the bare join
		want  string
	}{
		{"inner keys", Inner, keys, "k | k | k\n2 | 2 | 2"},
		{"inner side stars", Inner, stars, "k | a | k | b\n2 | y | 2 | q"},
		{"left keys", LeftOuter, keys, "k | k | k\n1 | 1 | NULL\n2 | 2 | 2"},
		{"left side stars", LeftOuter, stars, "k | a | k | b\n1 | x | NULL | NULL\n2 | y | 2 | q"},
		{"left star", LeftOuter, []expr.Expr{&expr.Star{}}, "k | a | b\n1 | x | NULL\n2 | y | q"},
		{"left bare join", LeftOuter, nil, "k | a | b\n1 | x | NULL\n2 | y | q"},
		{"right keys", RightOuter, keys, "k | k | k\n2 | 2 | 2\n3 | NULL | 3"},
		{"right side stars", RightOuter, stars, "k | a | k | b\n2 | y | 2 | q\nNULL | NULL | 3 | z"},
		{"full keys", FullOuter, keys, "k | k | k\n1 | 1 | NULL\n2 | 2 | 2\n3 | NULL | 3"},
		{"full side stars", FullOuter, stars, "k | a | k | b\n1 | x | NULL | NULL\n2 | y | 2 | q\nNULL | NULL | 3 | z"},
		{"full bare join", FullOuter, nil, "k | a | b\n1 | x | NULL\n2 | y | q\n3 | NULL | z"},
		{"semi has no right key", LeftSemi, []expr.Expr{&expr.Star{}}, "k | a\n2 | y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n Node = join(tc.typ)
			if tc.exprs != nil {
				n = &Project{Input: n, Exprs: tc.exprs}
			}
			ctx := compute.WithAllocator(expr.WithAllocator(context.Background(), mem), mem)
			a, err := Analyze(n)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []Node{a, Optimize(a)} {
				r, err := Execute(ctx, p, ExecOptions{})
				if err != nil {
					t.Fatal(err)
				}
				out, err := formatRows(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSpace(out), "\n")
				slices.Sort(lines[1:])
				if got := strings.Join(lines, "\n"); got != tc.want {
					t.Fatalf("got\n%s\nwant\n%s\nplan:\n%s", got, tc.want, Explain(p))
				}
			}
		})
	}
	// Unqualified, a hidden key is not there: k is the merged key alone.
	if _, err := Analyze(&Project{Input: join(FullOuter), Exprs: []expr.Expr{col("k")}}); err != nil {
		t.Errorf("k under a full join: %v", err)
	}
	if _, err := Analyze(&Project{Input: join(LeftSemi), Exprs: []expr.Expr{qcol("r", "k")}}); err == nil {
		t.Error("r.k resolved under a semi join")
	}
}
