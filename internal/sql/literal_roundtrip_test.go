package sql

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// constValue evaluates a constant expression to its type and the text of
// its one value (NULL for null), through coercion and compilation as a
// query would.
func constValue(t *testing.T, e expr.Expr) (string, string) {
	t.Helper()
	c, err := expr.Coerce(e)
	if err != nil {
		t.Fatalf("coerce %s: %v", FormatExpr(e), err)
	}
	ev, err := expr.Compile(c)
	if err != nil {
		t.Fatalf("compile %s: %v", FormatExpr(e), err)
	}
	rec := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer rec.Release()
	arr, err := ev.Eval(context.Background(), rec)
	if err != nil {
		t.Fatalf("eval %s: %v", FormatExpr(e), err)
	}
	defer arr.Release()
	if arr.IsNull(0) {
		return ev.Type().SQL(), "NULL"
	}
	return ev.Type().SQL(), arr.ValueStr(0)
}

// checkLiteralRoundTrip checks that lit renders to SQL that parses back to
// the same value of the same type, and that rendering is a fixed point.
func checkLiteralRoundTrip(t *testing.T, lit *expr.Literal) {
	t.Helper()
	text := FormatExpr(lit)
	back, err := ParseExpr(text)
	if err != nil {
		t.Fatalf("rendering %s of %#v does not parse: %v", text, lit.Value, err)
	}
	if again := FormatExpr(back); again != text {
		t.Fatalf("rendering is not a fixed point: %s then %s", text, again)
	}
	if l, ok := back.(*expr.Literal); ok {
		if l.Type != lit.Type && !(l.Type != nil && lit.Type != nil && types.Equal(l.Type, lit.Type)) {
			t.Fatalf("%s parses as type %v, want %v", text, l.Type, lit.Type)
		}
	}
	wt, wv := constValue(t, lit)
	gt, gv := constValue(t, back)
	if wt != gt || wv != gv {
		t.Fatalf("%s parses back as %s %q, want %s %q", text, gt, gv, wt, wv)
	}
}

func TestLiteralRoundTrip(t *testing.T) {
	dec := func(unscaled string, p, s int) *expr.Literal {
		return &expr.Literal{Value: expr.Decimal{Unscaled: unscaled, Precision: p, Scale: s}, Type: types.DecimalType{Precision: p, Scale: s}}
	}
	for _, lit := range []*expr.Literal{
		{Value: "\x0000", Type: types.String}, // issue 15 item 5: NUL then digits
		{Value: "\x00", Type: types.String},
		{Value: "\x00123\x007", Type: types.String},
		{Value: `a\b\%\_\\%`, Type: types.String},
		{Value: "it's \"q\"\n\r\t\b\x1a\x7f", Type: types.String},
		{Value: `\u0041`, Type: types.String},
		{Value: "\xff\xfe", Type: types.String},
		{Value: "日本", Type: types.String},
		{Value: "", Type: types.String},
		{Value: math.NaN(), Type: types.Double},
		{Value: math.Inf(1), Type: types.Double},
		{Value: math.Inf(-1), Type: types.Double},
		{Value: math.Copysign(0, -1), Type: types.Double},
		{Value: 5e-324, Type: types.Double},
		{Value: math.MaxFloat64, Type: types.Double},
		{Value: float32(math.NaN()), Type: types.Float},
		{Value: float32(math.Copysign(0, -1)), Type: types.Float},
		{Value: float32(1.1), Type: types.Float},
		{Value: int8(-128), Type: types.Byte},
		{Value: int16(-32768), Type: types.Short},
		{Value: int32(math.MinInt32), Type: types.Integer},
		{Value: int64(math.MinInt64), Type: types.Long},
		{Value: []byte{0, 0xab}, Type: types.Binary},
		{Value: []byte{}, Type: types.Binary},
		{Value: int32(-719893), Type: types.Date}, // year -1
		{Value: int32(2932896), Type: types.Date}, // year 10000
		{Value: int32(0), Type: types.Date},
		{Value: int64(-62198755200000000), Type: types.Timestamp},
		{Value: int64(1), Type: types.TimestampNTZ},
		{Value: int64(-1), Type: types.Timestamp},
		dec("150", 3, 2),
		dec("-1", 5, 1),
		dec("0", 1, 0),
		dec("12345678901234567890123456789012345678", 38, 0),
		dec("-5", 38, 38),
		{Value: nil, Type: types.Null},
		{Value: nil, Type: types.Integer},
		{Value: true, Type: types.Boolean},
	} {
		checkLiteralRoundTrip(t, lit)
	}
}

// TestNULDigitsCheckConstraint is issue 15 item 5 end to end in the SQL
// layer: a CHECK constraint c <> '\u000000' saved as rendered SQL and read
// back must still reject the value it forbade.
func TestNULDigitsCheckConstraint(t *testing.T) {
	orig, err := ParseExpr(`c <> '\u000000'`)
	if err != nil {
		t.Fatal(err)
	}
	saved := FormatExpr(orig)
	loaded, err := ParseExpr(saved)
	if err != nil {
		t.Fatalf("saved constraint %s does not parse: %v", saved, err)
	}
	forbidden := &expr.Literal{Value: "\x0000", Type: types.String}
	for _, c := range []expr.Expr{orig, loaded} {
		bound, err := expr.Transform(c, func(n expr.Expr) (expr.Expr, error) {
			if r, ok := n.(*expr.ColumnRef); ok && r.Name == "c" {
				return forbidden, nil
			}
			return n, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, v := constValue(t, bound); v != "false" {
			t.Fatalf("constraint %s accepts the forbidden value (%s)", FormatExpr(c), v)
		}
	}
}

// FuzzLiteralRoundTrip renders literals of every type built from fuzzed
// values and checks that the text parses back to the same value.
func FuzzLiteralRoundTrip(f *testing.F) {
	f.Add("\x0000", 1.5, int64(0), []byte{1}, uint8(0))
	f.Add(`\%'\\`, math.Inf(-1), int64(-62198755200000000), []byte{}, uint8(3))
	f.Add("123", math.Copysign(0, -1), int64(math.MaxInt64), []byte("x"), uint8(40))
	f.Fuzz(func(t *testing.T, s string, fl float64, n int64, b []byte, k uint8) {
		lits := []*expr.Literal{
			{Value: s, Type: types.String},
			{Value: fl, Type: types.Double},
			{Value: b, Type: types.Binary},
			{Value: n, Type: types.Long},
			{Value: int32(n), Type: types.Integer},
			{Value: int16(n), Type: types.Short},
			{Value: int8(n), Type: types.Byte},
			{Value: n, Type: types.Timestamp},
			{Value: n, Type: types.TimestampNTZ},
		}
		if f32 := float32(fl); !math.IsInf(float64(f32), 0) || math.IsInf(fl, 0) {
			lits = append(lits, &expr.Literal{Value: f32, Type: types.Float})
		}
		// Days within the range a DATE renders to (years of up to 7 digits).
		if d := n % 3_000_000_000; time.Unix(d*86400, 0).UTC().Year() > -10_000_000 {
			lits = append(lits, &expr.Literal{Value: int32(n), Type: types.Date})
		}
		unscaled := strconv.FormatInt(n, 10)
		if digits := len(strings.TrimPrefix(unscaled, "-")); digits <= types.MaxDecimalPrecision {
			scale := int(k) % (types.MaxDecimalPrecision + 1)
			prec := max(digits, scale, 1) + int(k/64)
			if prec <= types.MaxDecimalPrecision {
				lits = append(lits, &expr.Literal{Value: expr.Decimal{Unscaled: unscaled, Precision: prec, Scale: scale}, Type: types.DecimalType{Precision: prec, Scale: scale}})
			}
		}
		for _, l := range lits {
			checkLiteralRoundTrip(t, l)
		}
	})
}
