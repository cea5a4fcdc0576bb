package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ingotdata/ingot/types"
)

// formatValue renders a literal's Go value as Spark prints the value of
// its type (the text of CAST(v AS STRING)).
func formatValue(v any, t types.DataType) string {
	switch t := t.(type) {
	case types.FloatType:
		return javaFloat(litFloat(v), 32)
	case types.DoubleType:
		return javaFloat(litFloat(v), 64)
	case types.DateType:
		return formatDate(int32(litInt(v)))
	case types.TimestampType, types.TimestampNTZType:
		return formatTimestamp(litInt(v))
	case types.DecimalType:
		if d, ok := v.(Decimal); ok {
			return decimalString(d.Unscaled, d.Scale)
		}
		if n, err := litDecimal(v, t); err == nil {
			return n.ToString(int32(t.Scale))
		}
	case types.BinaryType:
		if b, ok := v.([]byte); ok {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

// javaFloat formats like Java's Double.toString/Float.toString: plain
// notation with at least one fractional digit for magnitudes in
// [1e-3, 1e7), otherwise "d.dddE±n" — Spark casts doubles to strings (and
// names literal columns) this way, e.g. 1000000.0 and 1.0E7.
func javaFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, bits)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

func decimalString(unscaled string, scale int) string {
	neg := strings.HasPrefix(unscaled, "-")
	digits := strings.TrimPrefix(unscaled, "-")
	if scale > 0 {
		for len(digits) <= scale {
			digits = "0" + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

const (
	microsPerSecond = int64(1_000_000)
	microsPerDay    = 86_400 * microsPerSecond
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func formatDate(days int32) string {
	return time.Unix(int64(days)*86400, 0).UTC().Format("2006-01-02")
}

// formatTimestamp prints microseconds in the session zone (UTC) as Spark
// does: fractional seconds only when non-zero, trailing zeros dropped.
func formatTimestamp(us int64) string {
	t := time.Unix(floorDiv(us, microsPerSecond), (us-floorDiv(us, microsPerSecond)*microsPerSecond)*1000).UTC()
	s := t.Format("2006-01-02 15:04:05")
	if frac := t.Nanosecond() / 1000; frac != 0 {
		f := strings.TrimRight(fmt.Sprintf("%06d", frac), "0")
		s += "." + f
	}
	return s
}
