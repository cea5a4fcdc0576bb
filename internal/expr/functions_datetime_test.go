package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/types"
)

// date_add takes days as a string only when it is a literal integer.
func TestDateAddStringDays(t *testing.T) {
	for _, tc := range []struct {
		name  string
		days  func(rec arrow.RecordBatch) Expr
		class string
	}{
		{"fractional literal", func(arrow.RecordBatch) Expr { return Lit("1.2") }, "[SECOND_FUNCTION_ARGUMENT_NOT_INTEGER]"},
		{"string column", func(rec arrow.RecordBatch) Expr { return ref(rec, "s") }, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem, col("d", types.Date, "2011-11-11"), col("s", types.String, "1"))
			defer rec.Release()
			_, _, err := evalExpr(t, mem, call("date_add", ref(rec, "d"), tc.days(rec)), rec)
			if err == nil || !strings.Contains(err.Error(), tc.class) {
				t.Errorf("err = %v, want %s", err, tc.class)
			}
		})
	}
}

// timestamp_seconds of a decimal finer than microseconds fails in Spark.
func TestTimestampSecondsRoundingNecessary(t *testing.T) {
	mem := checked(t)
	rec := newBatch(t, mem, col("x", types.Integer, int32(1)))
	defer rec.Release()
	_, _, err := evalExpr(t, mem, call("timestamp_seconds", Lit(Decimal{Unscaled: "1234567", Precision: 7, Scale: 7})), rec)
	if !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("err = %v, want ErrInvalidArgument", err)
	}
}

// timestamp_millis multiplies exactly, as Spark does: overflow fails.
func TestTimestampMillisOverflow(t *testing.T) {
	mem := checked(t)
	rec := newBatch(t, mem, col("l", types.Long, int64(9223372036854775807)))
	defer rec.Release()
	_, _, err := evalExpr(t, mem, call("timestamp_millis", ref(rec, "l")), rec)
	if err == nil || !strings.Contains(err.Error(), "[ARITHMETIC_OVERFLOW]") {
		t.Errorf("err = %v, want ARITHMETIC_OVERFLOW", err)
	}
}
