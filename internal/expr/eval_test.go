package expr

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ingotdata/ingot/types"
)

// evalCase evaluates build(batch) over a fixed test batch and checks the
// result type and the rendered rows.
type evalCase struct {
	name  string
	build func(r func(string) Expr) Expr
	typ   types.DataType
	want  string // rows joined by spaces
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem,
				col("i", types.Integer, int32(1), int32(-7), nil, int32(math.MaxInt32)),
				col("j", types.Integer, int32(2), int32(2), int32(5), int32(1)),
				col("z", types.Integer, int32(0), int32(0), int32(0), int32(0)),
				col("l", types.Long, int64(10), int64(-3), nil, int64(math.MaxInt64)),
				col("d", types.Double, 1.5, math.NaN(), nil, -0.5),
				col("s", types.String, "abc", "12", nil, " x "),
				col("n", types.String, "1", "2.5", "x", nil),
				col("b", types.Boolean, true, false, nil, true),
				col("c", types.Boolean, nil, nil, nil, false),
				col("m", types.DecimalType{Precision: 5, Scale: 2}, Decimal{Unscaled: "125", Scale: 2}, Decimal{Unscaled: "-1000", Scale: 2}, nil, Decimal{Unscaled: "99999", Scale: 2}),
				col("dt", types.Date, "2024-02-29", "1969-12-31", nil, "2000-01-01"),
				col("ts", types.Timestamp, "2024-02-29 13:14:15.5", "1969-12-31 23:59:59", nil, "2000-01-01 00:00:00"),
			)
			defer rec.Release()
			r := func(name string) Expr { return ref(rec, name) }
			typ, got, err := evalExpr(t, mem, tc.build(r), rec)
			if err != nil {
				t.Fatal(err)
			}
			if tc.typ != nil && !types.Equal(typ, tc.typ) {
				t.Errorf("type %s, want %s", typ.SQL(), tc.typ.SQL())
			}
			if g := joinRow(got); g != tc.want {
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
		})
	}
}

func TestArithmetic(t *testing.T) {
	dec := func(p, s int) types.DataType { return types.DecimalType{Precision: p, Scale: s} }
	runEvalCases(t, []evalCase{
		{"int plus int wraps", func(r func(string) Expr) Expr { return bin(OpAdd, r("i"), r("j")) }, types.Integer, "3 -5 NULL -2147483648"},
		{"int plus long widens", func(r func(string) Expr) Expr { return bin(OpAdd, r("i"), r("l")) }, types.Long, "11 -10 NULL -9223372034707292162"},
		{"int times double", func(r func(string) Expr) Expr { return bin(OpMul, r("j"), r("d")) }, types.Double, "3.0 NaN NULL -0.5"},
		{"int divide is double", func(r func(string) Expr) Expr { return bin(OpDiv, r("i"), r("j")) }, types.Double, "0.5 -3.5 NULL 2.147483647E9"},
		{"divide by zero is null", func(r func(string) Expr) Expr { return bin(OpDiv, r("j"), r("z")) }, types.Double, "NULL NULL NULL NULL"},
		{"mod keeps dividend sign", func(r func(string) Expr) Expr { return bin(OpMod, r("i"), r("j")) }, types.Integer, "1 -1 NULL 0"},
		{"divide by literal zero", func(r func(string) Expr) Expr { return bin(OpDiv, r("d"), Lit(0)) }, types.Double, "NULL NULL NULL NULL"},
		{"mod by literal zero", func(r func(string) Expr) Expr { return bin(OpMod, r("l"), Lit(int64(0))) }, types.Long, "NULL NULL NULL NULL"},
		{"mod by literal", func(r func(string) Expr) Expr { return bin(OpMod, r("l"), Lit(int64(-4))) }, types.Long, "2 -3 NULL 3"},
		{"double mod literal", func(r func(string) Expr) Expr { return bin(OpMod, r("d"), Lit(1.0)) }, types.Double, "0.5 NaN NULL -0.5"},
		{"mod by zero is null", func(r func(string) Expr) Expr { return bin(OpMod, r("i"), r("z")) }, types.Integer, "NULL NULL NULL NULL"},
		{"long mod column keeps dividend sign", func(r func(string) Expr) Expr { return bin(OpMod, r("l"), r("i")) }, types.Long, "0 -3 NULL 1"},
		{"double mod column", func(r func(string) Expr) Expr { return bin(OpMod, r("d"), r("j")) }, types.Double, "1.5 NaN NULL -0.5"},
		{"double mod zero column is null", func(r func(string) Expr) Expr { return bin(OpMod, r("d"), r("z")) }, types.Double, "NULL NULL NULL NULL"},
		{"long overflow wraps", func(r func(string) Expr) Expr { return bin(OpAdd, r("l"), Lit(int64(1))) }, types.Long, "11 -2 NULL -9223372036854775808"},
		{"string operand is double", func(r func(string) Expr) Expr { return bin(OpAdd, r("n"), Lit(1)) }, types.Double, "2.0 3.5 NULL NULL"},
		{"unary minus", func(r func(string) Expr) Expr { return &Unary{Op: OpNeg, Child: r("i")} }, types.Integer, "-1 7 NULL -2147483647"},
		{"null literal operand", func(r func(string) Expr) Expr { return bin(OpAdd, r("i"), Lit(nil)) }, types.Integer, "NULL NULL NULL NULL"},
		{"decimal plus int", func(r func(string) Expr) Expr { return bin(OpAdd, r("m"), Lit(1)) }, dec(6, 2), "2.25 -9.00 NULL 1000.99"},
		{"decimal times decimal", func(r func(string) Expr) Expr { return bin(OpMul, r("m"), r("m")) }, dec(11, 4), "1.5625 100.0000 NULL 999980.0001"},
		{"decimal divide", func(r func(string) Expr) Expr { return bin(OpDiv, r("m"), Lit(3)) }, dec(9, 6), "0.416667 -3.333333 NULL 333.330000"},
		{"decimal divide by zero", func(r func(string) Expr) Expr { return bin(OpDiv, r("m"), r("z")) }, dec(16, 13), "NULL NULL NULL NULL"},
		{"decimal mod", func(r func(string) Expr) Expr { return bin(OpMod, r("m"), Lit(1)) }, dec(3, 2), "0.25 0.00 NULL 0.99"},
		{"decimal plus double is double", func(r func(string) Expr) Expr { return bin(OpAdd, r("m"), r("d")) }, types.Double, "2.75 NaN NULL 999.49"},
		{"bitwise and", func(r func(string) Expr) Expr { return bin(OpBitAnd, r("i"), r("j")) }, types.Integer, "0 0 NULL 1"},
		{"bitwise or widens", func(r func(string) Expr) Expr { return bin(OpBitOr, r("i"), Lit(int64(4))) }, types.Long, "5 -3 NULL 2147483647"},
		{"bitwise xor", func(r func(string) Expr) Expr { return bin(OpBitXor, r("l"), r("l")) }, types.Long, "0 0 NULL 0"},
		{"bitwise not", func(r func(string) Expr) Expr { return &Unary{Op: OpBitNot, Child: r("i")} }, types.Integer, "-2 6 NULL -2147483648"},
	})
}

func TestComparisonAndLogic(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"int less than", func(r func(string) Expr) Expr { return bin(OpLt, r("i"), r("j")) }, types.Boolean, "true true NULL false"},
		{"int equals long", func(r func(string) Expr) Expr { return bin(OpEq, r("l"), Lit(10)) }, types.Boolean, "true false NULL false"},
		{"not equal", func(r func(string) Expr) Expr { return bin(OpNotEq, r("j"), Lit(2)) }, types.Boolean, "false false true true"},
		{"NaN column equals itself", func(r func(string) Expr) Expr { return bin(OpEq, r("d"), r("d")) }, types.Boolean, "true true NULL true"},
		{"NaN literal is largest", func(r func(string) Expr) Expr { return bin(OpLt, r("d"), Lit(math.NaN())) }, types.Boolean, "true false NULL true"},
		{"NaN equals NaN and is largest", func(r func(string) Expr) Expr { return bin(OpGt, r("d"), Lit(1e300)) }, types.Boolean, "false true NULL false"},
		{"string vs int compares as int", func(r func(string) Expr) Expr { return bin(OpEq, r("n"), Lit(2)) }, types.Boolean, "false true NULL NULL"},
		{"string byte order", func(r func(string) Expr) Expr { return bin(OpLt, r("s"), Lit("b")) }, types.Boolean, "true true NULL true"},
		{"null safe equal", func(r func(string) Expr) Expr { return bin(OpNullSafe, r("b"), r("c")) }, types.Boolean, "false false true false"},
		{"date vs string", func(r func(string) Expr) Expr { return bin(OpGtEq, r("dt"), Lit("2000-01-01")) }, types.Boolean, "true false NULL true"},
		{"date vs timestamp", func(r func(string) Expr) Expr { return bin(OpLt, r("dt"), r("ts")) }, types.Boolean, "true true NULL false"},
		{"decimal vs int", func(r func(string) Expr) Expr { return bin(OpGt, r("m"), Lit(1)) }, types.Boolean, "true false NULL true"},
		// Spark compares decimals with strings as DOUBLE: '1.251' is not
		// rounded to the decimal's scale, nor NULL when it overflows it.
		{"decimal vs string compares as double", func(r func(string) Expr) Expr { return bin(OpEq, r("m"), Lit("1.251")) }, types.Boolean, "false false NULL false"},
		{"decimal vs wide string", func(r func(string) Expr) Expr { return bin(OpLt, r("m"), Lit("1000.5")) }, types.Boolean, "true true NULL true"},
		{"and three-valued", func(r func(string) Expr) Expr { return bin(OpAnd, r("b"), r("c")) }, types.Boolean, "NULL false NULL false"},
		{"or three-valued", func(r func(string) Expr) Expr { return bin(OpOr, r("b"), r("c")) }, types.Boolean, "true NULL NULL true"},
		{"not", func(r func(string) Expr) Expr { return &Unary{Op: OpNot, Child: r("b")} }, types.Boolean, "false true NULL false"},
		{"is null", func(r func(string) Expr) Expr { return &Unary{Op: OpIsNull, Child: r("i")} }, types.Boolean, "false false true false"},
		{"is not null", func(r func(string) Expr) Expr { return &Unary{Op: OpIsNotNull, Child: r("s")} }, types.Boolean, "true true false true"},
		{"in list", func(r func(string) Expr) Expr { return &In{Child: r("j"), List: []Expr{Lit(2), Lit(9)}} }, types.Boolean, "true true false false"},
		{"in with null item", func(r func(string) Expr) Expr { return &In{Child: r("j"), List: []Expr{Lit(2), Lit(nil)}} }, types.Boolean, "true true NULL NULL"},
		{"not in", func(r func(string) Expr) Expr { return &In{Child: r("i"), List: []Expr{Lit(1)}, Not: true} }, types.Boolean, "false true NULL true"},
		{"like", func(r func(string) Expr) Expr { return &Like{Child: r("s"), Pattern: Lit("a_c%")} }, types.Boolean, "true false NULL false"},
		{"not like escaped", func(r func(string) Expr) Expr { return &Like{Child: r("s"), Pattern: Lit(`\%`), Not: true} }, types.Boolean, "true true NULL true"},
		{"like any", func(r func(string) Expr) Expr { return call("like_any", r("s"), Lit("a%"), Lit("1%")) }, types.Boolean, "true true NULL false"},
		{"like all", func(r func(string) Expr) Expr { return call("like_all", r("s"), Lit("%"), Lit("a%")) }, types.Boolean, "true false NULL false"},
		{"like any with a NULL pattern", func(r func(string) Expr) Expr { return call("like_any", r("s"), Lit("a%"), Lit(nil)) }, types.Boolean, "true NULL NULL NULL"},
		{"like all with a NULL pattern", func(r func(string) Expr) Expr { return call("like_all", r("s"), Lit("a%"), Lit(nil)) }, types.Boolean, "NULL false NULL false"},
		{"not like any", func(r func(string) Expr) Expr { return call("not_like_any", r("s"), Lit("a%"), Lit("%")) }, types.Boolean, "false true NULL true"},
		{"not like all", func(r func(string) Expr) Expr { return call("not_like_all", r("s"), Lit("a%"), Lit("1%")) }, types.Boolean, "false false NULL true"},
		{"ilike any", func(r func(string) Expr) Expr { return call("ilike_any", r("s"), Lit("A%")) }, types.Boolean, "true false NULL false"},
		{"case when", func(r func(string) Expr) Expr {
			return &CaseWhen{Whens: []When{{Cond: bin(OpGt, r("i"), Lit(0)), Value: Lit("pos")}, {Cond: r("b"), Value: r("s")}}, Else: Lit(0)}
		}, types.String, "pos 0 0 pos"},
		{"case without else", func(r func(string) Expr) Expr {
			return &CaseWhen{Whens: []When{{Cond: r("b"), Value: r("l")}}}
		}, types.Long, "10 NULL NULL 9223372036854775807"},
		{"case int and double branches", func(r func(string) Expr) Expr {
			return &CaseWhen{Whens: []When{{Cond: r("b"), Value: r("j")}}, Else: r("d")}
		}, types.Double, "2.0 NaN NULL 1.0"},
	})
}

func TestFunctions(t *testing.T) {
	dec := func(p, s int) types.DataType { return types.DecimalType{Precision: p, Scale: s} }
	runEvalCases(t, []evalCase{
		{"ceil double", func(r func(string) Expr) Expr { return call("ceil", r("d")) }, types.Long, "2 0 NULL 0"},
		{"ceiling alias", func(r func(string) Expr) Expr { return call("CEILING", bin(OpDiv, r("i"), r("j"))) }, types.Long, "1 -3 NULL 2147483647"},
		{"floor double", func(r func(string) Expr) Expr { return call("floor", r("d")) }, types.Long, "1 0 NULL -1"},
		{"ceil decimal", func(r func(string) Expr) Expr { return call("ceil", r("m")) }, dec(4, 0), "2 -10 NULL 1000"},
		{"floor int", func(r func(string) Expr) Expr { return call("floor", r("i")) }, types.Long, "1 -7 NULL 2147483647"},
		{"round half up", func(r func(string) Expr) Expr { return call("round", r("d")) }, types.Double, "2.0 NaN NULL -1.0"},
		{"round digits", func(r func(string) Expr) Expr { return call("round", Lit(2.675), Lit(2)) }, types.Double, "2.68 2.68 2.68 2.68"},
		{"bround half even", func(r func(string) Expr) Expr { return call("bround", Lit(2.5)) }, types.Double, "2.0 2.0 2.0 2.0"},
		{"round negative digits", func(r func(string) Expr) Expr { return call("round", r("l"), Lit(-1)) }, types.Long, "10 0 NULL -9223372036854775806"},
		{"round decimal", func(r func(string) Expr) Expr { return call("round", r("m"), Lit(1)) }, dec(5, 1), "1.3 -10.0 NULL 1000.0"},
		{"round decimal negative scale", func(r func(string) Expr) Expr { return call("round", r("m"), Lit(-1)) }, dec(4, 0), "0 -10 NULL 1000"},
		{"round decimal default scale", func(r func(string) Expr) Expr { return call("round", r("m")) }, dec(4, 0), "1 -10 NULL 1000"},
		{"abs", func(r func(string) Expr) Expr { return call("abs", r("i")) }, types.Integer, "1 7 NULL 2147483647"},
		{"sqrt", func(r func(string) Expr) Expr { return call("sqrt", r("j")) }, types.Double, "1.4142135623730951 1.4142135623730951 2.23606797749979 1.0"},
		{"ln of non-positive is null", func(r func(string) Expr) Expr { return call("ln", r("i")) }, types.Double, "0.0 NULL NULL 21.487562596892644"},
		{"power", func(r func(string) Expr) Expr { return call("pow", r("j"), Lit(3)) }, types.Double, "8.0 8.0 125.0 1.0"},
		{"exp", func(r func(string) Expr) Expr { return call("exp", r("z")) }, types.Double, "1.0 1.0 1.0 1.0"},
		{"greatest skips nulls", func(r func(string) Expr) Expr { return call("greatest", r("i"), r("j"), Lit(nil)) }, types.Integer, "2 2 5 2147483647"},
		{"least mixed types", func(r func(string) Expr) Expr { return call("least", r("i"), r("d")) }, types.Double, "1.0 -7.0 NULL -0.5"},
		{"coalesce", func(r func(string) Expr) Expr { return call("coalesce", r("i"), r("l"), Lit(0)) }, types.Long, "1 -7 0 2147483647"},
		{"nullif", func(r func(string) Expr) Expr { return call("nullif", r("j"), Lit(2)) }, types.Integer, "NULL NULL 5 1"},
		{"nullif keeps the first argument's type", func(r func(string) Expr) Expr { return call("nullif", r("j"), Lit(2.1)) }, types.Integer, "2 2 5 1"},
		{"nullif compares as double", func(r func(string) Expr) Expr { return call("nullif", r("j"), Lit(2.0)) }, types.Integer, "NULL NULL 5 1"},
		{"if", func(r func(string) Expr) Expr { return call("if", r("b"), r("s"), Lit("no")) }, types.String, "abc no no  x "},
		{"upper", func(r func(string) Expr) Expr { return call("upper", r("s")) }, types.String, "ABC 12 NULL  X "},
		{"lower of int", func(r func(string) Expr) Expr { return call("lower", r("i")) }, types.String, "1 -7 NULL 2147483647"},
		{"length", func(r func(string) Expr) Expr { return call("length", r("s")) }, types.Integer, "3 2 NULL 3"},
		{"trim", func(r func(string) Expr) Expr { return call("concat", Lit("["), call("trim", r("s")), Lit("]")) }, types.String, "[abc] [12] NULL [x]"},
		{"substring", func(r func(string) Expr) Expr { return call("substring", r("s"), Lit(2), Lit(2)) }, types.String, "bc 2 NULL x "},
		{"substr negative", func(r func(string) Expr) Expr { return call("substr", r("s"), Lit(-2)) }, types.String, "bc 12 NULL x "},
		{"concat null", func(r func(string) Expr) Expr { return call("concat", r("s"), r("n")) }, types.String, "abc1 122.5 NULL NULL"},
		{"concat_ws skips nulls", func(r func(string) Expr) Expr { return call("concat_ws", Lit("-"), r("s"), r("n")) }, types.String, "abc-1 12-2.5 x  x "},
		{"replace", func(r func(string) Expr) Expr { return call("replace", r("s"), Lit("b"), Lit("BB")) }, types.String, "aBBc 12 NULL  x "},
		{"startswith", func(r func(string) Expr) Expr { return call("startswith", r("s"), Lit("a")) }, types.Boolean, "true false NULL false"},
		{"year", func(r func(string) Expr) Expr { return call("year", r("dt")) }, types.Integer, "2024 1969 NULL 2000"},
		{"date_add", func(r func(string) Expr) Expr { return call("date_add", r("dt"), r("j")) }, types.Date, "2024-03-02 1970-01-02 NULL 2000-01-02"},
		{"date_sub string days", func(r func(string) Expr) Expr { return call("date_sub", r("dt"), Lit("1")) }, types.Date, "2024-02-28 1969-12-30 NULL 1999-12-31"},
		{"date_add of a timestamp", func(r func(string) Expr) Expr { return call("date_add", r("ts"), Lit(1)) }, types.Date, "2024-03-01 1970-01-01 NULL 2000-01-02"},
		{"bit_count of int sign-extends", func(r func(string) Expr) Expr { return call("bit_count", r("i")) }, types.Integer, "1 62 NULL 31"},
		{"bit_count of long", func(r func(string) Expr) Expr { return call("bit_count", r("l")) }, types.Integer, "2 63 NULL 63"},
		{"bit_count of boolean", func(r func(string) Expr) Expr { return call("bit_count", r("b")) }, types.Integer, "1 0 NULL 1"},
		{"pmod is positive", func(r func(string) Expr) Expr { return call("pmod", r("i"), r("j")) }, types.Integer, "1 1 NULL 0"},
		{"pmod by zero is null", func(r func(string) Expr) Expr { return call("pmod", r("i"), r("z")) }, types.Integer, "NULL NULL NULL NULL"},
		{"pmod of doubles", func(r func(string) Expr) Expr { return call("pmod", r("d"), r("j")) }, types.Double, "1.5 NaN NULL 0.5"},
		{"cot of zero", func(r func(string) Expr) Expr { return call("cot", Lit(0)) }, types.Double, "Infinity Infinity Infinity Infinity"},
		{"sec", func(r func(string) Expr) Expr { return call("sec", r("z")) }, types.Double, "1.0 1.0 1.0 1.0"},
		{"luhn_check", func(r func(string) Expr) Expr { return call("luhn_check", r("s")) }, types.Boolean, "false false NULL false"},
		{"luhn_check valid number", func(r func(string) Expr) Expr { return call("luhn_check", Lit("4111111111111111")) }, types.Boolean, "true true true true"},
		{"split_part from the end", func(r func(string) Expr) Expr { return call("split_part", Lit("11.12.13"), Lit("."), Lit(-1)) }, types.String, "13 13 13 13"},
		{"split_part by column", func(r func(string) Expr) Expr { return call("split_part", Lit("11ab12ab13"), Lit("ab"), r("j")) }, types.String, "12 12  11"},
		{"elt", func(r func(string) Expr) Expr { return call("elt", r("j"), Lit("a"), Lit("b")) }, types.String, "b b NULL a"},
		{"trim characters", func(r func(string) Expr) Expr { return call("trim", Lit("yxTomxx"), Lit("xyz")) }, types.String, "Tom Tom Tom Tom"},
		{"ltrim characters", func(r func(string) Expr) Expr { return call("ltrim", Lit("xyxXxyLAST WORD"), Lit("xy")) }, types.String, "XxyLAST WORD XxyLAST WORD XxyLAST WORD XxyLAST WORD"},
		{"btrim", func(r func(string) Expr) Expr { return call("btrim", Lit("xyxtrimyyx"), Lit("xy")) }, types.String, "trim trim trim trim"},
		{"nvl2", func(r func(string) Expr) Expr { return call("nvl2", r("i"), Lit(1), Lit(2.5)) }, types.Double, "1.0 1.0 2.5 1.0"},
		{"nvl2 of an untyped NULL", func(r func(string) Expr) Expr { return call("nvl2", Lit(nil), Lit("x"), Lit("y")) }, types.String, "y y y y"},
		{"typeof", func(r func(string) Expr) Expr { return call("typeof", r("m")) }, types.String, "decimal(5,2) decimal(5,2) decimal(5,2) decimal(5,2)"},
		{"left", func(r func(string) Expr) Expr { return call("left", r("s"), r("j")) }, types.String, "ab 12 NULL  "},
		{"right", func(r func(string) Expr) Expr { return call("right", Lit("abcd"), r("i")) }, types.String, "d  NULL abcd"},
		{"lpad", func(r func(string) Expr) Expr { return call("lpad", r("s"), Lit(5), Lit("xy")) }, types.String, "xyabc xyx12 NULL xy x "},
		{"rpad cuts", func(r func(string) Expr) Expr { return call("rpad", r("s"), Lit(2)) }, types.String, "ab 12 NULL  x"},
		{"mod", func(r func(string) Expr) Expr { return call("mod", r("i"), r("j")) }, types.Integer, "1 -1 NULL 0"},
		{"negative", func(r func(string) Expr) Expr { return call("negative", r("m")) }, types.DecimalType{Precision: 5, Scale: 2}, "-1.25 10.00 NULL -999.99"},
		{"positive of string", func(r func(string) Expr) Expr { return call("positive", r("n")) }, types.Double, "1.0 2.5 NULL NULL"},
		{"getbit", func(r func(string) Expr) Expr { return call("getbit", r("l"), Lit(1)) }, types.Byte, "1 0 NULL 1"},
		{"int()", func(r func(string) Expr) Expr { return call("int", r("n")) }, types.Integer, "1 2 NULL NULL"},
		{"dayofyear", func(r func(string) Expr) Expr { return call("dayofyear", r("dt")) }, types.Integer, "60 365 NULL 1"},
		{"weekday", func(r func(string) Expr) Expr { return call("weekday", r("dt")) }, types.Integer, "3 2 NULL 5"},
		{"make_date", func(r func(string) Expr) Expr { return call("make_date", Lit(2000), r("j"), Lit(30)) }, types.Date, "NULL NULL 2000-05-30 2000-01-30"},
		{"next_day", func(r func(string) Expr) Expr { return call("next_day", r("dt"), Lit("mon")) }, types.Date, "2024-03-04 1970-01-05 NULL 2000-01-03"},
		{"make_timestamp", func(r func(string) Expr) Expr {
			return call("make_timestamp", Lit(2021), Lit(7), r("j"), Lit(6), Lit(30), Lit(Decimal{Unscaled: "45678", Precision: 5, Scale: 3}))
		}, types.Timestamp, "2021-07-02 06:30:45.678 2021-07-02 06:30:45.678 2021-07-05 06:30:45.678 2021-07-01 06:30:45.678"},
		{"make_timestamp 60 seconds rolls over", func(r func(string) Expr) Expr {
			return call("make_timestamp", Lit(1), Lit(1), Lit(1), Lit(1), Lit(1), Lit(60))
		}, types.Timestamp, "0001-01-01 01:02:00 0001-01-01 01:02:00 0001-01-01 01:02:00 0001-01-01 01:02:00"},
		{"make_timestamp fractional 60 is null", func(r func(string) Expr) Expr {
			return call("make_timestamp", Lit(1), Lit(1), Lit(1), Lit(1), Lit(1), Lit(Decimal{Unscaled: "60007", Precision: 5, Scale: 3}))
		}, types.Timestamp, "NULL NULL NULL NULL"},
		{"timestamp_seconds exact decimal", func(r func(string) Expr) Expr {
			return call("timestamp_seconds", Lit(Decimal{Unscaled: "1230219000123", Precision: 13, Scale: 3}))
		}, types.Timestamp, "2008-12-25 15:30:00.123 2008-12-25 15:30:00.123 2008-12-25 15:30:00.123 2008-12-25 15:30:00.123"},
		{"unix_millis", func(r func(string) Expr) Expr { return call("unix_millis", r("ts")) }, types.Long, "1709212455500 -1000 NULL 946684800000"},
		{"timestamp_millis", func(r func(string) Expr) Expr { return call("timestamp_millis", r("i")) }, types.Timestamp, "1970-01-01 00:00:00.001 1969-12-31 23:59:59.993 NULL 1970-01-25 20:31:23.647"},
		{"width_bucket", func(r func(string) Expr) Expr { return call("width_bucket", r("d"), Lit(0), Lit(2), Lit(4)) }, types.Long, "4 NULL NULL 0"},
		{"month of timestamp", func(r func(string) Expr) Expr { return call("month", r("ts")) }, types.Integer, "2 12 NULL 1"},
		{"dayofmonth", func(r func(string) Expr) Expr { return call("dayofmonth", r("dt")) }, types.Integer, "29 31 NULL 1"},
		{"hour minute second", func(r func(string) Expr) Expr {
			return call("concat_ws", Lit(":"), call("hour", r("ts")), call("minute", r("ts")), call("second", r("ts")))
		}, types.String, "13:14:15 23:59:59  0:0:0"},
		{"to_date", func(r func(string) Expr) Expr { return call("to_date", Lit("2021-03-04 05:06:07")) }, types.Date, "2021-03-04 2021-03-04 2021-03-04 2021-03-04"},
		{"to_date with format", func(r func(string) Expr) Expr { return call("to_date", Lit("04/03/2021"), Lit("dd/MM/yyyy")) }, types.Date, "2021-03-04 2021-03-04 2021-03-04 2021-03-04"},
		{"to_timestamp with format", func(r func(string) Expr) Expr {
			return call("to_timestamp", r("s"), Lit("yyyy-MM-dd HH:mm:ss.SSS"))
		}, types.Timestamp, "NULL NULL NULL NULL"},
		{"unix_timestamp", func(r func(string) Expr) Expr { return call("unix_timestamp", r("ts")) }, types.Long, "1709212455 -1 NULL 946684800"},
		{"from_unixtime", func(r func(string) Expr) Expr { return call("from_unixtime", r("l")) }, types.String, "1970-01-01 00:00:10 1969-12-31 23:59:57 NULL 292277026596-12-04 15:30:07"},
		{"date_format", func(r func(string) Expr) Expr { return call("date_format", r("ts"), Lit("yyyy/MM/dd HH'h'")) }, types.String, "2024/02/29 13h 1969/12/31 23h NULL 2000/01/01 00h"},
	})
}

func TestCurrentTimestampIsFixedPerCompile(t *testing.T) {
	mem := checked(t)
	rec := newBatch(t, mem, col("x", types.Integer, int32(1), int32(2)))
	defer rec.Release()
	_, got, err := evalExpr(t, mem, call("current_timestamp"), rec)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != got[1] || got[0] == "NULL" {
		t.Errorf("current_timestamp rows differ: %v", got)
	}
}

// Evaluators compiled apart agree on the time under one query context:
// the context's query time wins over each one's compile time.
func TestTimeFunctionsReadQueryTime(t *testing.T) {
	mem := checked(t)
	rec := newBatch(t, mem, col("x", types.Integer, int32(1)))
	defer rec.Release()
	at := time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)
	ctx := WithQueryTime(WithAllocator(context.Background(), mem), at)
	for _, tc := range []struct{ fn, want string }{
		{"current_timestamp", "2024-02-29 23:59:59"},
		{"now", "2024-02-29 23:59:59"},
		{"current_date", "2024-02-29"},
		{"unix_timestamp", "1709251199"},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			ev, err := Compile(call(tc.fn))
			if err != nil {
				t.Fatal(err)
			}
			out, err := ev.Eval(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Release()
			if got := render(t, mem, out, ev.Type()); got[0] != tc.want {
				t.Errorf("%s() = %s, want %s", tc.fn, got[0], tc.want)
			}
		})
	}
}

func TestCoerceErrors(t *testing.T) {
	b := &BoundRef{Index: 0, Name: "flag", Type: types.Boolean}
	a := &BoundRef{Index: 1, Name: "arr", Type: types.ArrayType{ElementType: types.Integer}}
	i := &BoundRef{Index: 2, Name: "i", Type: types.Integer}
	for _, tc := range []struct {
		name  string
		e     Expr
		class string
		is    error
	}{
		{"int plus boolean", bin(OpAdd, i, b), "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES]", ErrDataTypeMismatch},
		{"boolean plus boolean", bin(OpAdd, b, b), "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE]", ErrDataTypeMismatch},
		{"int equals boolean", bin(OpEq, i, b), "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES]", ErrDataTypeMismatch},
		{"bitwise and of boolean", bin(OpBitAnd, i, b), "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES]", ErrDataTypeMismatch},
		{"bitwise not of boolean", &Unary{Op: OpBitNot, Child: b}, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"array ordering", bin(OpLt, a, a), "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE]", ErrDataTypeMismatch},
		{"and of int", bin(OpAnd, i, b), "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"unknown function", call("no_such_fn", i), "[UNRESOLVED_ROUTINE]", ErrUnknownFunction},
		{"wrong arity", call("upper", i, i), "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION]", ErrWrongArgs},
		{"sqrt of boolean", call("sqrt", b), "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"sum of boolean", &AggCall{Name: "sum", Args: []Expr{b}}, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"every of int", &AggCall{Name: "every", Args: []Expr{i}}, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"bit_xor of boolean", &AggCall{Name: "bit_xor", Args: []Expr{b}}, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"case of int and boolean", &CaseWhen{Whens: []When{{Cond: b, Value: i}}, Else: b}, "[DATATYPE_MISMATCH.DATA_DIFF_TYPES]", ErrDataTypeMismatch},
		{"cast boolean to date", &Cast{Child: b, To: types.Date}, "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION]", ErrDataTypeMismatch},
		{"date_add of bigint days", call("date_add", &Literal{Value: int32(0), Type: types.Date}, &Literal{Value: int64(1), Type: types.Long}), "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"bit_count of double", call("bit_count", &Literal{Value: 1.0, Type: types.Double}), "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"elt of a double index", call("elt", &Literal{Value: 1.5, Type: types.Double}, i), "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]", ErrDataTypeMismatch},
		{"unbound column", bin(OpAdd, &ColumnRef{Name: "x"}, i), "", ErrUnbound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Coerce(tc.e)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tc.class) {
				t.Errorf("error %q lacks class %s", err, tc.class)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
		})
	}
}

// The seed's gold schema: ceiling(avg(heartrate)) is a nullable BIGINT and
// count(device_id) a non-null BIGINT.
func TestTypeOfSeedGold(t *testing.T) {
	hr := &BoundRef{Index: 0, Name: "heartrate", Type: types.Double, Nullable: true}
	dev := &BoundRef{Index: 1, Name: "device_id", Type: types.Integer, Nullable: true}
	for _, tc := range []struct {
		name     string
		e        Expr
		typ      types.DataType
		nullable bool
	}{
		{"ceil avg", call("ceiling", &AggCall{Name: "avg", Args: []Expr{hr}}), types.Long, true},
		{"count", &AggCall{Name: "count", Args: []Expr{dev}}, types.Long, false},
		{"count star", &AggCall{Name: "count", Star: true}, types.Long, false},
		{"sum int", &AggCall{Name: "sum", Args: []Expr{dev}}, types.Long, true},
		{"avg decimal", &AggCall{Name: "avg", Args: []Expr{&BoundRef{Name: "m", Type: types.DecimalType{Precision: 10, Scale: 2}}}}, types.DecimalType{Precision: 14, Scale: 6}, true},
		{"sum decimal", &AggCall{Name: "sum", Args: []Expr{&BoundRef{Name: "m", Type: types.DecimalType{Precision: 30, Scale: 2}}}}, types.DecimalType{Precision: 38, Scale: 2}, true},
		{"max string", &AggCall{Name: "max", Args: []Expr{&BoundRef{Name: "s", Type: types.String}}}, types.String, true},
		{"is null never null", &Unary{Op: OpIsNull, Child: hr}, types.Boolean, false},
		{"cast keeps nullability", &Cast{Child: &BoundRef{Name: "x", Type: types.Integer}, To: types.Long}, types.Long, false},
		{"cast from string may be null", &Cast{Child: &BoundRef{Name: "x", Type: types.String}, To: types.Long}, types.Long, true},
		{"division may be null", bin(OpDiv, &BoundRef{Name: "x", Type: types.Double}, Lit(2.0)), types.Double, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ce, err := Coerce(tc.e)
			if err != nil {
				t.Fatal(err)
			}
			typ, nullable, err := TypeOf(ce)
			if err != nil {
				t.Fatal(err)
			}
			if !types.Equal(typ, tc.typ) || nullable != tc.nullable {
				t.Errorf("TypeOf = %s nullable=%v, want %s nullable=%v", typ.SQL(), nullable, tc.typ.SQL(), tc.nullable)
			}
		})
	}
}

func TestBindAndAggregates(t *testing.T) {
	e := &Alias{Child: call("ceil", &AggCall{Name: "AVG", Args: []Expr{&ColumnRef{Name: "heartrate"}}}), Name: "avg_heartrate"}
	bound, err := Bind(e, func(c *ColumnRef) (*BoundRef, error) {
		if c.Name != "heartrate" {
			return nil, errors.New("unknown")
		}
		return &BoundRef{Index: 3, Name: c.Name, Type: types.Double}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !ContainsAggregate(bound) || ContainsAggregate(&ColumnRef{Name: "x"}) {
		t.Error("ContainsAggregate wrong")
	}
	if !IsAggregate("Count") || IsAggregate("upper") {
		t.Error("IsAggregate wrong")
	}
	if OutputName(bound) != "avg_heartrate" || bound.String() != "CEIL(avg(heartrate))" {
		t.Errorf("bound %q named %q", bound.String(), OutputName(bound))
	}
	if _, err := Bind(&ColumnRef{Name: "nope"}, func(*ColumnRef) (*BoundRef, error) { return nil, errors.New("[UNRESOLVED_COLUMN]") }); err == nil {
		t.Error("Bind swallowed the resolver error")
	}
	if _, ok := LookupFunction("CoAlEsCe"); !ok {
		t.Error("LookupFunction is not case-insensitive")
	}
}

var _ arrow.Array

func TestEvalRejectsMistypedColumn(t *testing.T) {
	mem := checked(t)
	rec := newBatch(t, mem, col("s", types.String, "1"))
	defer rec.Release()
	ev, err := Compile(&BoundRef{Index: 0, Name: "s", Type: types.Long})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := ev.Eval(WithAllocator(context.Background(), mem), rec); err == nil {
		out.Release()
		t.Fatal("a STRING column bound as BIGINT evaluated without error")
	}
	ev, err = Compile(&BoundRef{Index: 3, Name: "x", Type: types.Long})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Eval(context.Background(), rec); err == nil {
		t.Fatal("out-of-range column evaluated without error")
	}
}

// Operators may hand over sliced batches (limit, morsels): kernels must
// honour array offsets in values and validity bitmaps.
func TestSlicedInput(t *testing.T) {
	mem := checked(t)
	full := newBatch(t, mem,
		col("i", types.Integer, int32(1), nil, int32(3), int32(4), nil),
		col("s", types.String, "a", "b", nil, "7", "x"),
		col("b", types.Boolean, true, false, nil, true, false),
		col("m", types.DecimalType{Precision: 4, Scale: 1}, Decimal{Unscaled: "10", Scale: 1}, nil, Decimal{Unscaled: "25", Scale: 1}, nil, Decimal{Unscaled: "5", Scale: 1}),
	)
	defer full.Release()
	rec := full.NewSlice(2, 5)
	defer rec.Release()
	for _, tc := range []struct {
		name string
		e    Expr
		want string
	}{
		{"arith", bin(OpAdd, ref(rec, "i"), ref(rec, "i")), "6 8 NULL"},
		{"compare with constant", bin(OpGt, ref(rec, "i"), Lit(3)), "false true NULL"},
		{"string cast", &Cast{Child: ref(rec, "s"), To: types.Integer}, "NULL 7 NULL"},
		{"not", &Unary{Op: OpNot, Child: ref(rec, "b")}, "NULL false true"},
		{"is null", &Unary{Op: OpIsNull, Child: ref(rec, "i")}, "false false true"},
		{"and", bin(OpAnd, ref(rec, "b"), bin(OpGt, ref(rec, "i"), Lit(0))), "NULL true false"},
		{"decimal", bin(OpMul, ref(rec, "m"), Lit(2)), "5.0 NULL 1.0"},
		{"coalesce", call("coalesce", ref(rec, "s"), Lit("z")), "z 7 x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got, err := evalExpr(t, mem, tc.e, rec)
			if err != nil {
				t.Fatal(err)
			}
			if g := joinRow(got); g != tc.want {
				t.Errorf("got %s, want %s", g, tc.want)
			}
		})
	}
	t.Run("aggregate", func(t *testing.T) {
		acc, err := NewGroupedAccumulatorAlloc(mem, &AggCall{Name: "sum", Args: []Expr{nil}}, []types.DataType{types.Integer})
		if err != nil {
			t.Fatal(err)
		}
		defer acc.Release()
		if err := acc.Update([]uint32{0, 0, 0}, 1, []arrow.Array{rec.Column(0)}); err != nil {
			t.Fatal(err)
		}
		if got := finishStrings(t, mem, acc, types.Long); got != "7" {
			t.Errorf("sum over slice = %s, want 7", got)
		}
	})
}
