package plan

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/datadriven"

	"github.com/ingotdata/ingot/internal/exec"
	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

var (
	bronzeType = types.NewStruct(
		types.Field("device_id", types.String), types.Field("heartrate", types.String),
		types.Field("mrn", types.String), types.Field("time", types.String))
	patientType = types.NewStruct(types.Field("mrn", types.Integer), types.Field("name", types.String))
	silverType  = types.NewStruct(
		types.Field("device_id", types.Integer), types.Field("mrn", types.Long),
		types.Field("datetime", types.Timestamp), types.Field("heartrate", types.Double),
		types.Field("patient_name", types.String))
)

// fixtures returns the named plans the testdata files refer to, built the
// way the DataFrame API or the SQL front end would build them.
func fixtures(t *testing.T, mem memory.Allocator) (map[string]func() Node, func()) {
	bronze := &memSource{name: "healthcare_dlh.fact_heartbeat_bronze", schema: bronzeType, batches: []arrow.RecordBatch{
		exectest.Batch(t, mem, bronzeType,
			[]any{"1", "60.5", "100", "1700000000000000"},
			[]any{"2", "90.1", "200", "1700000001000000"},
			[]any{"3", "70.0", "100", "1700000002000000"},
			[]any{"4", "80.0", nil, "1700000003000000"},
		),
		exectest.Batch(t, mem, bronzeType,
			[]any{"5", "75.25", "300", "1700000004000000"},
			[]any{"6", "99.9", "999", "1700000005000000"},
		),
	}}
	patients := &memSource{name: "healthcare_dlh.dim_patients", schema: patientType, batches: []arrow.RecordBatch{
		exectest.Batch(t, mem, patientType, []any{100, "Caitlin Garcia"}, []any{200, "Anthony Perez"}, []any{300, "Tanya Diaz"}, []any{400, "Nobody"}),
	}}
	silverRows := &LocalRelation{Struct: silverType, Batches: []arrow.RecordBatch{
		exectest.Batch(t, mem, types.NewStruct(types.Field("device_id", types.Integer), types.Field("mrn", types.Long),
			types.Field("datetime", types.Long), types.Field("heartrate", types.Double), types.Field("patient_name", types.String)),
			[]any{1, 100, 1, 60.5, "Caitlin Garcia"},
			[]any{3, 100, 2, 70.0, "Caitlin Garcia"},
			[]any{2, 200, 3, 90.1, "Anthony Perez"},
			[]any{5, 300, 4, 75.25, "Tanya Diaz"},
			[]any{nil, 300, 5, nil, "Tanya Diaz"},
			[]any{7, 500, 6, 50.0, nil},
		),
	}}
	// The LocalRelation's batches must carry the relation's Arrow schema.
	silverRows.Batches[0] = relabel(silverRows.Batches[0], silverType)
	scan := func(s *memSource, alias string) Node { return &Scan{Source: s, Alias: alias} }
	silver := func() Node {
		// spark.readStream.table(bronze).join(df_patient, "mrn").select(...)
		return &Project{
			Input: &Join{Left: scan(bronze, ""), Right: scan(patients, ""), Type: Inner, Using: []string{"mrn"}},
			Exprs: []expr.Expr{
				cast(col("device_id"), types.Integer),
				cast(col("mrn"), types.Long),
				alias(cast(bin(expr.OpDiv, col("time"), expr.Lit(1e6)), types.Timestamp), "datetime"),
				cast(col("heartrate"), types.Double),
				alias(col("name"), "patient_name"),
			},
		}
	}
	plans := map[string]func() Node{
		"silver": silver,
		"gold": func() Node {
			// .groupBy('patient_name').agg(ceiling(avg("heartrate")).alias("avg_heartrate"),
			//   count("device_id").alias("count")).orderBy(desc("avg_heartrate"))
			return &Sort{
				Input: &Aggregate{
					Input:   silverRows,
					GroupBy: []expr.Expr{col("patient_name")},
					Aggs: []expr.Expr{
						col("patient_name"),
						alias(call("ceil", agg("avg", col("heartrate"))), "avg_heartrate"),
						alias(agg("count", col("device_id")), "count"),
					},
				},
				Orders: []*expr.SortOrder{desc(col("avg_heartrate"))},
			}
		},
		// SELECT r.device_id, p.name FROM bronze r JOIN dim_patients p ON r.mrn = p.mrn
		// WHERE p.name <> 'Tanya Diaz' AND r.heartrate > 65
		"sql_join": func() Node {
			return &Project{
				Input: &Filter{
					Input: &Join{
						Left: &SubqueryAlias{Input: scan(bronze, ""), Alias: "r"}, Right: scan(patients, "p"), Type: Inner,
						On: bin(expr.OpEq, qcol("r", "mrn"), qcol("p", "mrn")),
					},
					Cond: bin(expr.OpAnd,
						bin(expr.OpNotEq, qcol("p", "name"), expr.Lit("Tanya Diaz")),
						bin(expr.OpGt, qcol("r", "heartrate"), expr.Lit(65))),
				},
				Exprs: []expr.Expr{qcol("r", "device_id"), qcol("p", "name")},
			}
		},
		"left_join": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftOuter,
				On: bin(expr.OpEq, qcol("p", "mrn"), qcol("r", "mrn"))}
		},
		"full_using": func() Node {
			return &Project{
				Input: &Join{Left: scan(bronze, ""), Right: scan(patients, ""), Type: FullOuter, Using: []string{"mrn"}},
				Exprs: []expr.Expr{col("mrn"), col("device_id"), col("name")},
			}
		},
		"star": func() Node {
			return &Project{Input: &Join{Left: scan(bronze, "r"), Right: scan(patients, "p"), Type: Inner, Using: []string{"mrn"}},
				Exprs: []expr.Expr{&expr.Star{}}}
		},
		"bad_column": func() Node {
			return &Project{Input: scan(patients, ""), Exprs: []expr.Expr{col("nmae")}}
		},
		"ambiguous": func() Node {
			return &Project{
				Input: &Join{Left: scan(bronze, ""), Right: scan(patients, ""), Type: Inner,
					On: bin(expr.OpEq, qcol("fact_heartbeat_bronze", "mrn"), qcol("dim_patients", "mrn"))},
				Exprs: []expr.Expr{col("mrn")},
			}
		},
		"missing_agg": func() Node {
			return &Aggregate{Input: scan(patients, ""), GroupBy: []expr.Expr{col("name")},
				Aggs: []expr.Expr{col("name"), col("mrn"), &expr.AggCall{Name: "count", Star: true}}}
		},
		"global_count": func() Node {
			return &Project{
				Input: &Filter{Input: scan(patients, ""), Cond: bin(expr.OpGt, col("mrn"), expr.Lit(150))},
				Exprs: []expr.Expr{&expr.AggCall{Name: "count", Star: true}, agg("max", col("name"))},
			}
		},
		"order_hidden": func() Node {
			return &Sort{Input: &Project{Input: scan(patients, ""), Exprs: []expr.Expr{col("name")}},
				Orders: []*expr.SortOrder{desc(col("mrn"))}}
		},
		"having": func() Node {
			return &Filter{
				Input: &Aggregate{Input: silverRows, GroupBy: []expr.Expr{col("patient_name")},
					Aggs: []expr.Expr{col("patient_name"), alias(agg("sum", col("heartrate")), "total")}},
				Cond: bin(expr.OpGt, agg("count", col("device_id")), expr.Lit(1)),
			}
		},
		"top2": func() Node {
			return &Limit{N: 2, Input: &Sort{Input: silverRows, Orders: []*expr.SortOrder{desc(col("heartrate")), asc(col("device_id"))}}}
		},
		"constant_filter": func() Node {
			return &Filter{Input: scan(patients, ""), Cond: bin(expr.OpAnd, expr.Lit(true), bin(expr.OpLt, col("mrn"), expr.Lit(250)))}
		},
		// SELECT upper(patient_name) AS who, count(*) FROM silver GROUP BY who ORDER BY count(*) DESC, 1
		"group_by_alias_order_by_agg": func() Node {
			return &Sort{
				Input: &Aggregate{Input: silverRows, GroupBy: []expr.Expr{col("who")},
					Aggs: []expr.Expr{alias(call("upper", col("patient_name")), "who"), &expr.AggCall{Name: "count", Star: true}}},
				Orders: []*expr.SortOrder{desc(&expr.AggCall{Name: "count", Star: true}), asc(expr.Lit(1))},
			}
		},
		// SELECT mrn, max(heartrate) FROM silver GROUP BY 1 ORDER BY 1
		"group_by_ordinal": func() Node {
			return &Sort{
				Input: &Aggregate{Input: silverRows, GroupBy: []expr.Expr{expr.Lit(1)},
					Aggs: []expr.Expr{col("mrn"), agg("max", col("heartrate"))}},
				Orders: []*expr.SortOrder{asc(expr.Lit(1))},
			}
		},
		// SELECT patient_name, count(*) FROM silver GROUP BY patient_name
		// HAVING patient_name <> 'Tanya Diaz' AND count(*) > 0 LIMIT 2
		"filter_on_key_limit": func() Node {
			return &Limit{N: 2, Input: &Filter{
				Input: &Aggregate{Input: silverRows, GroupBy: []expr.Expr{col("patient_name")},
					Aggs: []expr.Expr{col("patient_name"), &expr.AggCall{Name: "count", Star: true}}},
				Cond: bin(expr.OpAnd, bin(expr.OpNotEq, col("patient_name"), expr.Lit("Tanya Diaz")),
					bin(expr.OpGt, &expr.AggCall{Name: "count", Star: true}, expr.Lit(0))),
			}}
		},
		// SELECT mrn FROM dim_patients UNION ALL SELECT mrn FROM silver: INT and
		// BIGINT widen to BIGINT.
		"union_widen": func() Node {
			return &Union{All: true, Inputs: []Node{
				&Project{Input: scan(patients, ""), Exprs: []expr.Expr{col("mrn")}},
				&Project{Input: silverRows, Exprs: []expr.Expr{col("mrn")}},
			}}
		},
		// Patients with / without a reading (EXISTS / NOT EXISTS).
		"semi": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftSemi,
				On: bin(expr.OpEq, qcol("p", "mrn"), qcol("r", "mrn"))}
		},
		"anti": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftAnti,
				On: bin(expr.OpAnd, bin(expr.OpEq, qcol("p", "mrn"), qcol("r", "mrn")), bin(expr.OpGt, qcol("r", "heartrate"), expr.Lit(65)))}
		},
		"filter_union": func() Node {
			p := &Project{Input: scan(patients, ""), Exprs: []expr.Expr{col("name")}}
			return &Filter{Input: &Union{Inputs: []Node{p, p}}, Cond: bin(expr.OpNotEq, col("name"), expr.Lit("Nobody"))}
		},
		// Joins whose conditions fold to a constant or move entirely into
		// a side: the optimized plan must still analyze.
		"left_join_on_true": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftOuter, On: expr.Lit(true)}
		},
		"semi_on_true_and_true": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftSemi, On: bin(expr.OpAnd, expr.Lit(true), expr.Lit(true))}
		},
		"anti_on_true": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftAnti, On: expr.Lit(true)}
		},
		"anti_on_false": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftAnti, On: expr.Lit(false)}
		},
		"full_join_on_true": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(patients, "q"), Type: FullOuter, On: expr.Lit(true)}
		},
		"inner_join_on_true": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(patients, "q"), Type: Inner, On: expr.Lit(true)}
		},
		"left_join_on_right_side_only": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftOuter,
				On: bin(expr.OpEq, qcol("r", "device_id"), expr.Lit("2"))}
		},
		"right_join_on_left_side_only": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(patients, "q"), Type: RightOuter,
				On: bin(expr.OpGt, qcol("p", "mrn"), expr.Lit(250))}
		},
		"semi_on_sides_only": func() Node {
			return &Join{Left: scan(patients, "p"), Right: scan(bronze, "r"), Type: LeftSemi,
				On: bin(expr.OpAnd, bin(expr.OpLt, qcol("p", "mrn"), expr.Lit(250)), bin(expr.OpEq, qcol("r", "device_id"), expr.Lit("1")))}
		},
		"union_distinct": func() Node {
			p := &Project{Input: scan(patients, ""), Exprs: []expr.Expr{col("name")}}
			return &Union{Inputs: []Node{p, p}}
		},
	}
	return plans, func() {
		bronze.release()
		patients.release()
		for _, b := range silverRows.Batches {
			b.Release()
		}
	}
}

func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
		defer mem.AssertSize(t, 0)
		plans, release := fixtures(t, mem)
		defer release()
		ctx := compute.WithAllocator(expr.WithAllocator(context.Background(), mem), mem)
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			var name string
			d.ScanArgs(t, "plan", &name)
			build, ok := plans[name]
			if !ok {
				t.Fatalf("%s: no plan %q", d.Pos, name)
			}
			n := build()
			switch d.Cmd {
			case "error":
				_, err := Analyze(n)
				if err == nil {
					return "no error\n"
				}
				return err.Error() + "\n"
			}
			a, err := Analyze(n)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			switch d.Cmd {
			case "analyze":
				return Explain(a)
			case "schema":
				return a.Schema().ToStruct().TreeString()
			case "optimize":
				return Explain(Optimize(a))
			case "physical":
				op, err := Physical(Optimize(a), ExecOptions{})
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				return exec.Explain(op)
			case "run":
				opts := ExecOptions{}
				if d.HasArg("parallel") {
					d.ScanArgs(t, "parallel", &opts.Parallelism)
				}
				r, err := Execute(ctx, n, opts)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				out, err := formatRows(ctx, r)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				return out
			}
			return fmt.Sprintf("unknown command %q\n", d.Cmd)
		})
	})
}
