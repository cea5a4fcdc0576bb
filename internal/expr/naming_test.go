package expr

import (
	"testing"

	"github.com/ingotdata/ingot/types"
)

func TestStringMatchesSparkColumnNames(t *testing.T) {
	c := func(n string) *ColumnRef { return &ColumnRef{Name: n} }
	for _, tc := range []struct {
		name string
		e    Expr
		want string
	}{
		{"column", c("device_id"), "device_id"},
		{"qualified column", &ColumnRef{Qualifier: "p", Name: "name"}, "name"},
		{"user cast", &Cast{Child: c("device_id"), To: types.Integer}, "CAST(device_id AS INT)"},
		{"implicit cast hidden", &Cast{Child: c("time"), To: types.Double, Implicit: true}, "time"},
		{"divide by double literal", bin(OpDiv, c("time"), Lit(1e6)), "(time / 1000000.0)"},
		{"large double literal", Lit(1e7), "1.0E7"},
		{"small double literal", Lit(0.0001), "1.0E-4"},
		{"int literal", Lit(1), "1"},
		{"bigint literal", Lit(int64(5)), "5"},
		{"string literal", bin(OpEq, c("a"), Lit("x")), "(a = x)"},
		{"null literal", Lit(nil), "NULL"},
		{"bool literal", Lit(true), "true"},
		{"avg", &AggCall{Name: "avg", Args: []Expr{c("heartrate")}}, "avg(heartrate)"},
		{"ceil of avg", call("ceiling", &AggCall{Name: "avg", Args: []Expr{c("heartrate")}}), "CEIL(avg(heartrate))"},
		{"count star", &AggCall{Name: "count", Star: true}, "count(1)"},
		{"count column", &AggCall{Name: "count", Args: []Expr{c("device_id")}}, "count(device_id)"},
		{"count distinct", &AggCall{Name: "count", Distinct: true, Args: []Expr{c("x")}}, "count(DISTINCT x)"},
		{"alias shows child", &Alias{Child: c("name"), Name: "patient_name"}, "name"},
		{"not equal", bin(OpNotEq, c("a"), Lit(1)), "(NOT (a = 1))"},
		{"and", bin(OpAnd, c("a"), c("b")), "(a AND b)"},
		{"is null", &Unary{Op: OpIsNull, Child: c("a")}, "(a IS NULL)"},
		{"negate", &Unary{Op: OpNeg, Child: c("a")}, "(- a)"},
		{"not", &Unary{Op: OpNot, Child: c("a")}, "(NOT a)"},
		{"lower-case function", call("UPPER", c("s")), "upper(s)"},
		{"round", call("round", c("x"), Lit(0)), "round(x, 0)"},
		{"case when", &CaseWhen{Whens: []When{{Cond: c("a"), Value: Lit(1)}}, Else: Lit(0)}, "CASE WHEN a THEN 1 ELSE 0 END"},
		{"in", &In{Child: c("a"), List: []Expr{Lit(1), Lit(2)}}, "(a IN (1, 2))"},
		{"like", &Like{Child: c("s"), Pattern: Lit("a%")}, "s LIKE a%"},
		{"sort order", &SortOrder{Child: c("a"), Desc: true}, "a DESC NULLS LAST"},
		{"star", &Star{}, "*"},
		{"date literal", &Literal{Value: int32(18262), Type: types.Date}, "DATE '2020-01-01'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOutputName(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Expr
		want string
	}{
		{"alias", &Alias{Child: &ColumnRef{Name: "name"}, Name: "patient_name"}, "patient_name"},
		{"column", &ColumnRef{Qualifier: "p", Name: "name"}, "name"},
		{"bound", &BoundRef{Name: "mrn"}, "mrn"},
		{"top-level cast of a column keeps its name", &Cast{Child: &ColumnRef{Name: "mrn"}, To: types.Long}, "mrn"},
		{"cast of an expression", &Cast{Child: bin(OpDiv, &ColumnRef{Name: "time"}, Lit(1e6)), To: types.Timestamp}, "CAST((time / 1000000.0) AS TIMESTAMP)"},
		{"nested cast", bin(OpAdd, &Cast{Child: &ColumnRef{Name: "a"}, To: types.Long}, Lit(1)), "(CAST(a AS BIGINT) + 1)"},
		{"aggregate", &AggCall{Name: "count", Args: []Expr{&ColumnRef{Name: "device_id"}}}, "count(device_id)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := OutputName(tc.e); got != tc.want {
				t.Errorf("OutputName = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWithChildrenRoundTrip(t *testing.T) {
	a, b := &ColumnRef{Name: "a"}, &ColumnRef{Name: "b"}
	for _, e := range []Expr{
		bin(OpAdd, a, b), &Unary{Op: OpNeg, Child: a}, call("coalesce", a, b),
		&AggCall{Name: "sum", Args: []Expr{a}}, &CaseWhen{Whens: []When{{Cond: a, Value: b}}, Else: a},
		&CaseWhen{Whens: []When{{Cond: a, Value: b}}}, &In{Child: a, List: []Expr{b, a}},
		&Like{Child: a, Pattern: b}, &Cast{Child: a, To: types.Long}, &Alias{Child: a, Name: "x"},
		&SortOrder{Child: a},
	} {
		t.Run(e.String(), func(t *testing.T) {
			got := e.WithChildren(e.Children())
			if got.String() != e.String() || len(got.Children()) != len(e.Children()) {
				t.Errorf("WithChildren(Children()) = %s, want %s", got, e)
			}
		})
	}
}
