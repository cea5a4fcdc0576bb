package sql

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// plannerCorpusFloor is the share of in-scope corpus queries whose result
// must match Spark's; it guards against regressions and is raised as the
// engine grows.
const plannerCorpusFloor = 0.62

// goldenBlock is one query of a SQLQueryTestSuite golden file with
// Spark's answer: a schema and rows, or an exception.
type goldenBlock struct {
	query  string
	schema string
	output string
	failed bool // Spark answered with an exception
}

func goldenBlocks(text string) []goldenBlock {
	var out []goldenBlock
	for _, b := range strings.Split(text, "-- !query\n")[1:] {
		var g goldenBlock
		q, rest, found := strings.Cut(b, "\n-- !query schema\n")
		if found {
			g.schema, rest, _ = strings.Cut(rest, "\n-- !query output\n")
		} else {
			q, rest, _ = strings.Cut(b, "\n-- !query output\n")
		}
		g.query = strings.TrimSpace(q)
		g.output = strings.TrimRight(rest, "\n")
		g.failed = strings.HasPrefix(g.output, "org.apache.") || strings.HasPrefix(g.output, "java.")
		out = append(out, g)
	}
	return out
}

// viewResolver resolves the temporary views a corpus file defines. A name
// it does not know is recorded as missing: the query reads a table that
// is not built from inline data (Spark's testData and the like).
type viewResolver struct {
	views   map[string]plan.Node
	missing bool
}

var errMissingInput = errors.New("corpus: input is not an inline view")

func (r *viewResolver) ResolveTable(ctx context.Context, name TableName, tt *TimeTravel) (plan.Node, error) {
	if n, ok := r.views[strings.ToLower(name.Name)]; ok && name.Database == "" && !name.IsPath() && tt == nil {
		return n, nil
	}
	r.missing = true
	return nil, fmt.Errorf("%w: %s", errMissingInput, tableSQL(name))
}

// TestSparkSQLCorpusResults runs the queries of Spark's SQL test suite
// whose inputs are inline (VALUES, temporary views defined AS VALUES or
// over other such views, range(), no input at all) and compares the rows
// with Spark's golden output; queries Spark rejects must be rejected too.
// A query passes when its rows match (sorted unless it orders them) or,
// when Spark fails, it fails too; the share that also matches Spark's
// schema (column names and types) is reported beside. It logs the
// commonest failures; INGOT_CORPUS_DUMP=file lists them all.
func TestSparkSQLCorpusResults(t *testing.T) {
	dir := sparkCorpus
	if d := os.Getenv("INGOT_SPARK_SQL_CORPUS"); d != "" {
		dir = d
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.sql.out"))
	if len(files) == 0 {
		t.Skipf("no corpus at %s", dir)
	}
	ctx := context.Background()
	var inScope, passed, exact, wantErr, gotErr, outOfScope int
	failures := map[string]int{}
	examples := map[string]string{}
	dump := os.Getenv("INGOT_CORPUS_DUMP") // a file to list every failure in
	var dumped strings.Builder
	fail := func(file, key, query string) {
		if dump != "" {
			fmt.Fprintf(&dumped, "%s\t%s: %s\n", key, file, query)
		}
		failures[key]++
		if _, ok := examples[key]; !ok {
			examples[key] = file + ": " + oneLine(query)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		r := &viewResolver{views: map[string]plan.Node{}}
		for _, g := range goldenBlocks(string(data)) {
			st, err := Parse(g.query)
			if err != nil {
				continue // parsing is TestSparkCorpus's business
			}
			switch st := st.(type) {
			case *CreateView:
				if !st.Temporary {
					continue
				}
				r.missing = false
				n, err := PlanQuery(ctx, st.As, r)
				if err == nil && len(st.Columns) > 0 {
					n, err = renameColumns(n, st.Columns)
				}
				if err == nil {
					// A view is analyzed once, as Spark stores it.
					n, err = plan.Analyze(n)
				}
				if err == nil {
					r.views[strings.ToLower(st.Name.Name)] = &plan.SubqueryAlias{Input: n, Alias: strings.ToLower(st.Name.Name)}
				}
				continue
			case *Query:
				r.missing = false
				rows, schema, err := runCorpusQuery(ctx, st, r)
				if r.missing {
					outOfScope++
					continue
				}
				inScope++
				if g.failed {
					wantErr++
					if err != nil {
						gotErr++
						passed++
						exact++
					} else {
						fail(base, "Spark fails, ingot answers", g.query)
					}
					continue
				}
				if err != nil {
					fail(base, "error: "+failureKey(firstLineOf(err.Error())), g.query)
					continue
				}
				want := strings.Split(g.output, "\n")
				if g.output == "" {
					want = nil
				}
				if !hasTopLevelOrder(st) {
					sort.Strings(rows)
					sort.Strings(want)
				}
				if strings.Join(rows, "\n") != strings.Join(want, "\n") {
					fail(base, "wrong rows", g.query+"\n  got:  "+oneLine(strings.Join(rows, " | "))+"\n  want: "+oneLine(strings.Join(want, " | ")))
					continue
				}
				passed++
				if schema != g.schema {
					fail(base, "rows right, schema differs", g.query+"\n  got:  "+schema+"\n  want: "+g.schema)
					continue
				}
				exact++
			}
		}
	}
	if dump != "" {
		if err := os.WriteFile(dump, []byte(dumped.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rate := float64(passed) / float64(max(inScope, 1))
	t.Logf("Spark SQL corpus results: %d of %d in-scope queries pass (%.1f%%), %d (%.1f%%) with Spark's schema too; %d of %d Spark errors are errors here too; %d queries read non-inline inputs and were skipped",
		passed, inScope, 100*rate, exact, 100*float64(exact)/float64(max(inScope, 1)), gotErr, wantErr, outOfScope)
	keys := make([]string, 0, len(failures))
	for k := range failures {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return failures[keys[i]] > failures[keys[j]] || failures[keys[i]] == failures[keys[j]] && keys[i] < keys[j]
	})
	for i, k := range keys {
		if i == 30 {
			break
		}
		t.Logf("%4d  %s\n        e.g. %s", failures[k], k, examples[k])
	}
	if rate < plannerCorpusFloor {
		t.Errorf("result pass rate %.3f fell below the floor %.2f", rate, plannerCorpusFloor)
	}
}

// runCorpusQuery plans, analyzes and runs q, returning each row as Spark's
// golden files print it (cells as CAST(v AS STRING), tab-separated, NULL
// for null) and the schema as struct<name:type,...>.
func runCorpusQuery(ctx context.Context, q *Query, r Resolver) (rows []string, schema string, err error) {
	defer func() {
		// The engine must not panic on any query; report it as a failure
		// rather than abort the whole corpus run.
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	n, err := PlanQuery(ctx, q, r)
	if err != nil {
		return nil, "", err
	}
	a, err := plan.Analyze(n)
	if err != nil {
		return nil, "", err
	}
	st := a.Schema().ToStruct()
	parts := make([]string, len(st.Fields))
	for i, f := range st.Fields {
		parts[i] = f.Name + ":" + types.CatalogString(f.Type)
	}
	schema = "struct<" + strings.Join(parts, ",") + ">"
	rd, err := plan.Execute(ctx, plan.Optimize(a), plan.ExecOptions{Parallelism: 1, BatchSize: 1024})
	if err != nil {
		return nil, schema, err
	}
	defer rd.Close()
	bs, err := batch.ReadAll(ctx, rd)
	if err != nil {
		return nil, schema, err
	}
	defer batch.Release(bs)
	for _, b := range bs {
		cells, err := stringColumns(b, st)
		if err != nil {
			return nil, schema, err
		}
		for i := 0; i < int(b.NumRows()); i++ {
			row := make([]string, len(cells))
			for c := range cells {
				row[c] = cells[c][i]
			}
			rows = append(rows, strings.Join(row, "\t"))
		}
	}
	return rows, schema, nil
}

func stringColumns(b arrow.RecordBatch, st types.StructType) ([][]string, error) {
	out := make([][]string, b.NumCols())
	for c := range out {
		col := b.Column(c)
		str, err := expr.CastArray(memory.DefaultAllocator, col, st.Fields[c].Type, types.String)
		if err != nil {
			return nil, err
		}
		out[c] = make([]string, col.Len())
		for i := range out[c] {
			if str.IsNull(i) {
				out[c][i] = "NULL"
			} else {
				out[c][i] = str.ValueStr(i)
			}
		}
		str.Release()
	}
	return out, nil
}

// hasTopLevelOrder reports whether the query's result order is defined,
// as SQLQueryTestSuite decides whether to sort before comparing.
func hasTopLevelOrder(q *Query) bool {
	for {
		if len(q.OrderBy) > 0 {
			return true
		}
		inner, ok := q.Body.(*Query)
		if !ok {
			return false
		}
		q = inner
	}
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 140 {
		s = s[:140] + "..."
	}
	return s
}
