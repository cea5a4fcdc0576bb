package ingot

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/stream"
	"github.com/ingotdata/ingot/types"
)

// DataFrame is a lazy, immutable query: a logical plan plus the session that
// runs it. Transformations return a new DataFrame; the first analysis error
// sticks and is returned by Err and by every action.
type DataFrame struct {
	s        *Session
	node     plan.Node // unresolved logical plan, as built
	analyzed plan.Node // node after analysis (nil when err != nil)
	err      error
}

// newDataFrame analyzes n eagerly, as Spark does, so that an unknown column
// or a bad cast is reported where it is written, not at the action.
func (s *Session) newDataFrame(n plan.Node) *DataFrame {
	a, err := plan.Analyze(n)
	if err != nil {
		return &DataFrame{s: s, node: n, err: err}
	}
	return &DataFrame{s: s, node: n, analyzed: a}
}

func (df *DataFrame) failed(err error) *DataFrame {
	return &DataFrame{s: df.s, node: df.node, err: err}
}

// Err is the first error met while building this DataFrame.
func (df *DataFrame) Err() error { return df.err }

// Schema is the row type of the result.
func (df *DataFrame) Schema() types.StructType {
	if df.err != nil {
		return types.StructType{}
	}
	return df.analyzed.Schema().ToStruct()
}

// Columns lists the output column names.
func (df *DataFrame) Columns() []string { return df.Schema().Names() }

// PrintSchema returns the schema as Spark's printSchema renders it.
func (df *DataFrame) PrintSchema() string { return df.Schema().TreeString() }

// IsStreaming reports whether the DataFrame reads a streaming source; such a
// DataFrame runs only through WriteStream.
func (df *DataFrame) IsStreaming() bool { return isStreamingPlan(df.node) }

// Explain renders the analyzed and optimized logical plans.
func (df *DataFrame) Explain() (string, error) {
	if df.err != nil {
		return "", df.err
	}
	return "== Analyzed Logical Plan ==\n" + plan.Explain(df.analyzed) +
		"\n== Optimized Logical Plan ==\n" + plan.Explain(plan.Optimize(df.analyzed)), nil
}

// columnsOf converts Select-style arguments (Columns or names) to
// expressions, returning the first construction error.
func columnsOf(args []any) ([]expr.Expr, error) {
	out := make([]expr.Expr, 0, len(args))
	for _, a := range args {
		switch a := a.(type) {
		case Column:
			if err := a.Err(); err != nil {
				return nil, err
			}
			out = append(out, a.e)
		case string:
			c := Col(a)
			if err := c.Err(); err != nil {
				return nil, err
			}
			out = append(out, c.e)
		case []string:
			for _, n := range a {
				c := Col(n)
				if err := c.Err(); err != nil {
					return nil, err
				}
				out = append(out, c.e)
			}
		case []Column:
			for _, c := range a {
				if err := c.Err(); err != nil {
					return nil, err
				}
				out = append(out, c.e)
			}
		default:
			return nil, fmt.Errorf("ingot: expected a Column or a column name, got %T", a)
		}
	}
	return out, nil
}

// Select projects columns: Columns, column names, "*" or "p.*" (every
// column of relation p).
func (df *DataFrame) Select(cols ...any) *DataFrame {
	if df.err != nil {
		return df
	}
	es, err := columnsOf(cols)
	if err != nil {
		return df.failed(err)
	}
	return df.s.newDataFrame(&plan.Project{Input: df.node, Exprs: es})
}

// SelectExpr projects SQL expressions: SelectExpr("mrn", "heartrate * 2 AS hr2").
func (df *DataFrame) SelectExpr(exprs ...string) *DataFrame {
	cols := make([]any, len(exprs))
	for i, e := range exprs {
		cols[i] = Expr(e)
	}
	return df.Select(cols...)
}

// Filter keeps rows where cond is true; cond is a Column or SQL text.
func (df *DataFrame) Filter(cond any) *DataFrame {
	if df.err != nil {
		return df
	}
	var c Column
	switch v := cond.(type) {
	case Column:
		c = v
	case string:
		c = Expr(v)
	default:
		return df.failed(fmt.Errorf("ingot: Filter takes a Column or a SQL string, got %T", cond))
	}
	if err := c.Err(); err != nil {
		return df.failed(err)
	}
	return df.s.newDataFrame(&plan.Filter{Input: df.node, Cond: c.e})
}

// Where is Filter.
func (df *DataFrame) Where(cond any) *DataFrame { return df.Filter(cond) }

// WithColumn adds a column named name, or, as Spark's withColumn does,
// replaces every existing column of that name (case-insensitively) in
// place. c is resolved against this DataFrame, so it may read a qualified
// column ("b.id") even where two columns share a name.
func (df *DataFrame) WithColumn(name string, c Column) *DataFrame {
	if df.err != nil {
		return df
	}
	if err := c.Err(); err != nil {
		return df.failed(err)
	}
	return df.reproject([]expr.Expr{c.e}, func(cols, extra []expr.Expr) []expr.Expr {
		out := make([]expr.Expr, 0, len(cols)+1)
		replaced := false
		for _, ref := range cols {
			if strings.EqualFold(expr.OutputName(ref), name) {
				out = append(out, &expr.Alias{Child: extra[0], Name: name})
				replaced = true
				continue
			}
			out = append(out, ref)
		}
		if !replaced {
			out = append(out, &expr.Alias{Child: extra[0], Name: name})
		}
		return out
	})
}

// WithColumnRenamed renames every column named existing
// (case-insensitively), as Spark does; a missing column is a no-op.
func (df *DataFrame) WithColumnRenamed(existing, newName string) *DataFrame {
	if df.err != nil || !df.hasColumn(existing) {
		return df
	}
	return df.reproject(nil, func(cols, _ []expr.Expr) []expr.Expr {
		out := make([]expr.Expr, len(cols))
		for i, ref := range cols {
			out[i] = ref
			if strings.EqualFold(expr.OutputName(ref), existing) {
				out[i] = &expr.Alias{Child: ref, Name: newName}
			}
		}
		return out
	})
}

// Drop removes every column with one of names (case-insensitively, all
// columns of a repeated name, as Spark's drop does); unknown names are
// ignored. A qualified name ("b.v") is not resolved: like Spark's
// drop(String), it matches only a column whose name is literally "b.v".
func (df *DataFrame) Drop(names ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	dropped := func(n string) bool {
		for _, d := range names {
			if strings.EqualFold(d, n) {
				return true
			}
		}
		return false
	}
	if !slices.ContainsFunc(df.Columns(), dropped) {
		return df
	}
	return df.reproject(nil, func(cols, _ []expr.Expr) []expr.Expr {
		var out []expr.Expr
		for _, ref := range cols {
			if !dropped(expr.OutputName(ref)) {
				out = append(out, ref)
			}
		}
		return out
	})
}

func (df *DataFrame) hasColumn(name string) bool {
	return slices.ContainsFunc(df.Columns(), func(n string) bool { return strings.EqualFold(n, name) })
}

// reproject rebuilds df's projection by position, for the helpers that
// replace, drop or rename columns. Naming the columns to keep would be
// ambiguous as soon as two share a name, as after any ON-join of tables
// with a common column; Spark's helpers work on attributes, which are
// positions here.
//
// Positions must be those of df's output, but the analyzed form of df's
// plan may hold hidden USING-join keys among its visible columns (a join
// whose left side is a USING join). So an inner projection lists df's
// output with a bare star, which expands to exactly the visible columns,
// in order and with their qualifiers, followed by extra expressions
// resolved against df's plan itself (so they still reach a hidden key,
// "b.id" after a LEFT JOIN USING). build gets a reference to each of
// df's columns and to each extra and returns the outer projection; the
// optimizer collapses the two.
func (df *DataFrame) reproject(extra []expr.Expr, build func(cols, extra []expr.Expr) []expr.Expr) *DataFrame {
	inner := &plan.Project{Input: df.node, Exprs: append([]expr.Expr{&expr.Star{}}, extra...)}
	// Analyze the inner projection once to type the references to it.
	a, err := plan.Analyze(inner)
	if err != nil {
		return df.failed(err)
	}
	cols := a.Schema().Columns
	n := len(cols) - len(extra)
	if n != len(df.Schema().Fields) {
		return df.failed(fmt.Errorf("ingot: %w: star over %d columns gave %d", plan.ErrInvalidPlan, len(df.Schema().Fields), n))
	}
	refs := make([]expr.Expr, len(cols))
	for i, c := range cols {
		refs[i] = &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return df.s.newDataFrame(&plan.Project{Input: inner, Exprs: build(refs[:n], refs[n:])})
}

// Alias names the DataFrame for qualified column references ("p.name").
func (df *DataFrame) Alias(name string) *DataFrame {
	if df.err != nil {
		return df
	}
	return df.s.newDataFrame(&plan.SubqueryAlias{Input: df.node, Alias: name})
}

// Join joins with other. on is a column name, a []string of names (USING:
// the key appears once, first), or a boolean Column; how is "inner"
// (default), "left"/"left_outer", "right"/"right_outer", "full"/"outer",
// "cross", "left_semi"/"semi", "left_anti"/"anti".
func (df *DataFrame) Join(other *DataFrame, on any, how ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	if other.err != nil {
		return df.failed(other.err)
	}
	jt := plan.Inner
	if len(how) > 0 {
		var err error
		if jt, err = parseJoinType(how[0]); err != nil {
			return df.failed(err)
		}
	}
	j := &plan.Join{Left: df.node, Right: other.node, Type: jt}
	switch on := on.(type) {
	case nil:
		if len(how) == 0 {
			j.Type = plan.Cross
		}
	case string:
		j.Using = []string{on}
	case []string:
		j.Using = on
	case Column:
		if err := on.Err(); err != nil {
			return df.failed(err)
		}
		j.On = on.e
	default:
		return df.failed(fmt.Errorf("ingot: Join on takes a column name, []string or Column, got %T", on))
	}
	return df.s.newDataFrame(j)
}

// CrossJoin is the Cartesian product.
func (df *DataFrame) CrossJoin(other *DataFrame) *DataFrame { return df.Join(other, nil, "cross") }

func parseJoinType(how string) (plan.JoinType, error) {
	switch strings.ToLower(strings.ReplaceAll(how, "_", "")) {
	case "inner":
		return plan.Inner, nil
	case "left", "leftouter":
		return plan.LeftOuter, nil
	case "right", "rightouter":
		return plan.RightOuter, nil
	case "full", "outer", "fullouter":
		return plan.FullOuter, nil
	case "cross":
		return plan.Cross, nil
	case "semi", "leftsemi":
		return plan.LeftSemi, nil
	case "anti", "leftanti":
		return plan.LeftAnti, nil
	}
	return 0, fmt.Errorf("ingot: [UNSUPPORTED_JOIN_TYPE] unsupported join type %q (inner, left, right, full, cross, left_semi, left_anti)", how)
}

// OrderBy sorts by Columns (use Desc/Asc) or column names (ascending).
func (df *DataFrame) OrderBy(cols ...any) *DataFrame {
	if df.err != nil {
		return df
	}
	es, err := columnsOf(cols)
	if err != nil {
		return df.failed(err)
	}
	orders := make([]*expr.SortOrder, len(es))
	for i, e := range es {
		if so, ok := e.(*expr.SortOrder); ok {
			orders[i] = so
		} else {
			orders[i] = &expr.SortOrder{Child: e, NullsFirst: true}
		}
	}
	return df.s.newDataFrame(&plan.Sort{Input: df.node, Orders: orders})
}

// Sort is OrderBy.
func (df *DataFrame) Sort(cols ...any) *DataFrame { return df.OrderBy(cols...) }

// Limit keeps the first n rows.
func (df *DataFrame) Limit(n int64) *DataFrame {
	if df.err != nil {
		return df
	}
	return df.s.newDataFrame(&plan.Limit{Input: df.node, N: n})
}

// Distinct removes duplicate rows.
func (df *DataFrame) Distinct() *DataFrame {
	if df.err != nil {
		return df
	}
	return df.s.newDataFrame(&plan.Distinct{Input: df.node})
}

// GroupBy starts an aggregation: GroupBy("patient_name").Agg(Avg("hr")).
func (df *DataFrame) GroupBy(cols ...any) *GroupedData {
	es, err := columnsOf(cols)
	if df.err != nil {
		err = df.err
	}
	return &GroupedData{df: df, keys: es, err: err}
}

// GroupedData is a DataFrame grouped by key columns, awaiting aggregates.
type GroupedData struct {
	df   *DataFrame
	keys []expr.Expr
	err  error
}

// Agg computes aggregate Columns per group; the result has the key columns
// followed by the aggregates.
func (g *GroupedData) Agg(cols ...Column) *DataFrame {
	if g.err != nil {
		return g.df.failed(g.err)
	}
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = c
	}
	aggs, err := columnsOf(args)
	if err != nil {
		return g.df.failed(err)
	}
	return g.df.s.newDataFrame(&plan.Aggregate{Input: g.df.node, GroupBy: g.keys, Aggs: append(append([]expr.Expr{}, g.keys...), aggs...)})
}

// Count counts rows per group into a column named "count".
func (g *GroupedData) Count() *DataFrame { return g.Agg(Count("*").As("count")) }

// Avg, Sum, Min and Max aggregate the named columns.
func (g *GroupedData) Avg(cols ...string) *DataFrame { return g.aggEach(Avg, cols) }
func (g *GroupedData) Sum(cols ...string) *DataFrame { return g.aggEach(Sum, cols) }
func (g *GroupedData) Min(cols ...string) *DataFrame { return g.aggEach(Min, cols) }
func (g *GroupedData) Max(cols ...string) *DataFrame { return g.aggEach(Max, cols) }

func (g *GroupedData) aggEach(f func(any) Column, cols []string) *DataFrame {
	cs := make([]Column, len(cols))
	for i, c := range cols {
		cs[i] = f(c)
	}
	return g.Agg(cs...)
}

// ErrStreamingAction: a batch action (Count, Collect, Show, Stream...) was
// called on a streaming DataFrame, which runs only through WriteStream.
// The stream engine reports the same condition with the same sentinel.
var ErrStreamingAction = stream.ErrStreamingNotExecutable

// errStreamingAction carries Spark's message for the case. Spark 3.5
// raises it under the internal class _LEGACY_ERROR_TEMP_3102, which its
// messages do not show, so it has no bracketed class here either.
var errStreamingAction = fmt.Errorf("ingot: Queries with streaming sources must be executed with writeStream.start() (WriteStream().Start() in Go): %w", ErrStreamingAction)

// Stream runs the query and streams its result batches.
func (df *DataFrame) Stream(ctx context.Context) (batch.Reader, error) {
	if df.err != nil {
		return nil, df.err
	}
	if df.IsStreaming() {
		return nil, errStreamingAction
	}
	// Execute optimizes the analyzed plan itself.
	return plan.Execute(ctx, df.analyzed, df.s.execOptions())
}

// CollectBatches runs the query and returns its result as Arrow batches
// (release them when done).
func (df *DataFrame) CollectBatches(ctx context.Context) ([]arrow.RecordBatch, error) {
	r, err := df.Stream(ctx)
	if err != nil {
		return nil, err
	}
	return batch.ReadAll(ctx, r)
}

// Count runs the query and returns its number of rows.
func (df *DataFrame) Count(ctx context.Context) (int64, error) {
	r, err := df.Stream(ctx)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var n int64
	for {
		b, err := r.Next(ctx)
		if b != nil {
			n += b.NumRows()
			b.Release()
		}
		if err != nil {
			if isEOF(err) {
				return n, nil
			}
			return 0, err
		}
	}
}

// Collect runs the query and returns its rows as Go values (for small
// results; use Stream or CollectBatches for large ones).
func (df *DataFrame) Collect(ctx context.Context) ([]Row, error) {
	bs, err := df.CollectBatches(ctx)
	if err != nil {
		return nil, err
	}
	defer batch.Release(bs)
	return rowsOf(df.Schema(), bs)
}

// Head returns the first n rows.
func (df *DataFrame) Head(ctx context.Context, n int) ([]Row, error) {
	return df.Limit(int64(n)).Collect(ctx)
}

// ShowString renders up to n rows as Spark's show() does: with truncate,
// values longer than 20 characters are cut and cells right-aligned;
// without, values are whole and left-aligned (see formatShow).
func (df *DataFrame) ShowString(ctx context.Context, n int, truncate bool) (string, error) {
	if df.err != nil {
		return "", df.err
	}
	n = min(max(n, 0), maxShowRows)
	bs, err := df.Limit(int64(n) + 1).CollectBatches(ctx)
	if err != nil {
		return "", err
	}
	defer batch.Release(bs)
	width := 0
	if truncate {
		width = 20
	}
	return formatShow(ctx, df.Schema(), bs, n, width)
}

// CollectStrings runs the query and returns every value as CAST(v AS
// STRING) would print it, with null standing for NULL.
func (df *DataFrame) CollectStrings(ctx context.Context, null string) ([][]string, error) {
	bs, err := df.CollectBatches(ctx)
	if err != nil {
		return nil, err
	}
	defer batch.Release(bs)
	rows, _, err := stringCells(ctx, df.Schema(), bs, -1, null)
	return rows, err
}

// Show prints up to n rows (default 20) to standard output, as Spark's
// show() does, with values longer than 20 characters truncated.
func (df *DataFrame) Show(ctx context.Context, n ...int) error {
	rows := 20
	if len(n) > 0 {
		rows = n[0]
	}
	s, err := df.ShowString(ctx, rows, true)
	if err != nil {
		return err
	}
	_, err = os.Stdout.WriteString(s)
	return err
}
