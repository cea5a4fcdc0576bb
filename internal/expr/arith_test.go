package expr

import (
	"testing"

	"github.com/ingotdata/ingot/types"
)

func TestIntegralDivide(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"int div int is bigint", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("i"), r("j")) }, types.Long, "0 -3 NULL 2147483647"},
		{"div by zero column is null", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("j"), r("z")) }, types.Long, "NULL NULL NULL NULL"},
		{"div by literal zero is null", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("l"), Lit(0)) }, types.Long, "NULL NULL NULL NULL"},
		{"long div negative literal truncates", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("l"), Lit(int64(-4))) }, types.Long, "-2 0 NULL -2305843009213693951"},
		{"double operands truncate to bigint", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("d"), r("j")) }, types.Long, "0 0 NULL 0"},
		{"null operand", func(r func(string) Expr) Expr { return bin(OpIntDiv, Lit(5), Lit(nil)) }, types.Long, "NULL NULL NULL NULL"},
		{"decimal div int", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("m"), Lit(3)) }, types.Long, "0 -3 NULL 333"},
		{"decimal div decimal", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("m"), r("m")) }, types.Long, "1 1 NULL 1"},
		{"decimal div zero is null", func(r func(string) Expr) Expr { return bin(OpIntDiv, r("m"), r("z")) }, types.Long, "NULL NULL NULL NULL"},
	})
}

func TestIntegralDivideName(t *testing.T) {
	if got, want := bin(OpIntDiv, Lit(5), Lit(nil)).String(), "(5 div NULL)"; got != want {
		t.Errorf("name %s, want %s", got, want)
	}
}

// TestDecimalArithmeticEdges pins decimal arithmetic at its edges: zero,
// signs, the 38-digit limit (overflow is NULL in non-ANSI mode) and
// HALF_UP rounding of quotients.
func TestDecimalArithmeticEdges(t *testing.T) {
	dec := func(p, s int) types.DecimalType { return types.DecimalType{Precision: p, Scale: s} }
	max38 := "99999999999999999999999999999999999999"
	for _, tc := range []struct {
		name   string
		op     BinaryOperator
		lt, rt types.DecimalType
		x, y   string // unscaled
		typ    types.DataType
		want   string
	}{
		{"add overflows max precision", OpAdd, dec(38, 0), dec(38, 0), max38, "1", dec(38, 0), "NULL"},
		{"sub overflows max precision", OpSub, dec(38, 0), dec(38, 0), "-" + max38, "1", dec(38, 0), "NULL"},
		{"add at max precision fits", OpAdd, dec(38, 0), dec(38, 0), max38, "-1", dec(38, 0), "99999999999999999999999999999999999998"},
		{"mul overflows", OpMul, dec(38, 0), dec(38, 0), "10000000000000000000000000000000000000", "10", dec(38, 0), "NULL"},
		{"mul loses scale rounding half up", OpMul, dec(38, 10), dec(38, 10), "15", "5", dec(38, 6), "0.000000"},
		{"div rounds half up", OpDiv, dec(1, 0), dec(1, 0), "2", "3", dec(7, 6), "0.666667"},
		{"negative div rounds away from zero", OpDiv, dec(1, 0), dec(1, 0), "-2", "3", dec(7, 6), "-0.666667"},
		{"zero dividend", OpDiv, dec(1, 0), dec(1, 0), "0", "5", dec(7, 6), "0.000000"},
		{"div by zero", OpDiv, dec(5, 2), dec(5, 2), "100", "0", dec(13, 8), "NULL"},
		{"div by negative zero scale", OpDiv, dec(38, 0), dec(38, 10), max38, "0", dec(38, 6), "NULL"},
		{"div overflows", OpDiv, dec(38, 0), dec(38, 10), max38, "1", dec(38, 6), "NULL"},
		{"mod by zero", OpMod, dec(5, 2), dec(5, 2), "100", "0", dec(5, 2), "NULL"},
		{"mod keeps dividend sign", OpMod, dec(2, 0), dec(2, 0), "-7", "3", dec(2, 0), "-1"},
		{"intdiv by zero", OpIntDiv, dec(5, 2), dec(5, 2), "100", "0", types.Long, "NULL"},
		{"intdiv truncates negatives", OpIntDiv, dec(2, 0), dec(2, 1), "-7", "20", types.Long, "-3"},
		{"intdiv beyond bigint keeps low bits", OpIntDiv, dec(38, 0), dec(1, 0), "100000000000000000000", "1", types.Long, "7766279631452241920"},
		{"intdiv max precision", OpIntDiv, dec(38, 0), dec(38, 37), max38, max38, types.Long, "68739955140067328"}, // 10^37 keeps its low 64 bits
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem,
				col("x", tc.lt, Decimal{Unscaled: tc.x, Precision: tc.lt.Precision, Scale: tc.lt.Scale}),
				col("y", tc.rt, Decimal{Unscaled: tc.y, Precision: tc.rt.Precision, Scale: tc.rt.Scale}))
			defer rec.Release()
			typ, got, err := evalExpr(t, mem, bin(tc.op, ref(rec, "x"), ref(rec, "y")), rec)
			if err != nil {
				t.Fatal(err)
			}
			if !types.Equal(typ, tc.typ) {
				t.Errorf("type %s, want %s", typ.SQL(), tc.typ.SQL())
			}
			if got[0] != tc.want {
				t.Errorf("got %s, want %s", got[0], tc.want)
			}
		})
	}
}
