package sql

import (
	"encoding/hex"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// numberLiteral types a numeric token as Spark does: an integer is INT if
// it fits, else BIGINT, else DECIMAL; 1.5 is DECIMAL(2,1); an exponent
// makes a DOUBLE; suffixes L S Y D F BD force BIGINT, SMALLINT, TINYINT,
// DOUBLE, FLOAT, DECIMAL. neg is a minus sign read just before it.
func (p *parser) numberLiteral(t token, neg bool) expr.Expr {
	text := t.text
	if text[0] == 'x' || text[0] == 'X' {
		digits := text[2 : len(text)-1]
		if len(digits)%2 == 1 {
			digits = "0" + digits // Spark pads an odd number of hex digits
		}
		b, err := hex.DecodeString(digits)
		if err != nil || neg {
			p.fail(errorAt(t, "INVALID_TYPED_LITERAL", "The value of the typed literal \"X\" is invalid: %s", t.raw))
		}
		return &expr.Literal{Value: b, Type: types.Binary}
	}
	sign := ""
	if neg {
		sign = "-"
	}
	upper := strings.ToUpper(text)
	suffix := ""
	switch {
	case strings.HasSuffix(upper, "BD"):
		suffix, text = "BD", text[:len(text)-2]
	case strings.ContainsAny(upper[len(upper)-1:], "LSYDF"):
		suffix, text = upper[len(upper)-1:], text[:len(text)-1]
	}
	isInt := !strings.ContainsAny(text, ".eE")
	outOfRange := func(kind string, lo, hi string) {
		p.fail(errorAt(t, "INVALID_NUMERIC_LITERAL_RANGE", "Numeric literal %s%s is outside the valid range for %s with minimum value of %s and maximum value of %s. Please adjust the value accordingly.", sign, text, kind, lo, hi))
	}
	switch suffix {
	case "L", "S", "Y":
		if !isInt {
			p.failAt(t)
		}
		bits, kind := map[string]int{"L": 64, "S": 16, "Y": 8}[suffix], map[string]string{"L": "bigint", "S": "smallint", "Y": "tinyint"}[suffix]
		n, err := strconv.ParseInt(sign+text, 10, bits)
		if err != nil {
			lo, hi := -(int64(1) << (bits - 1)), int64(1)<<(bits-1)-1
			outOfRange(kind, strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10))
		}
		switch suffix {
		case "L":
			return &expr.Literal{Value: n, Type: types.Long}
		case "S":
			return &expr.Literal{Value: int16(n), Type: types.Short}
		}
		return &expr.Literal{Value: int8(n), Type: types.Byte}
	case "D", "F":
		f, err := strconv.ParseFloat(sign+text, 64)
		if err != nil || math.IsInf(f, 0) {
			outOfRange(map[string]string{"D": "double", "F": "float"}[suffix], "-1.7976931348623157E+308", "1.7976931348623157E+308")
		}
		if suffix == "F" {
			if math.Abs(f) > math.MaxFloat32 {
				outOfRange("float", "-3.4028234663852886E+38", "3.4028234663852886E+38")
			}
			return &expr.Literal{Value: float32(f), Type: types.Float}
		}
		return &expr.Literal{Value: f, Type: types.Double}
	case "BD":
		return p.decimalLiteral(t, sign, text, true)
	}
	if strings.ContainsAny(text, "eE") {
		f, err := strconv.ParseFloat(sign+text, 64)
		if err != nil || math.IsInf(f, 0) {
			outOfRange("double", "-1.7976931348623157E+308", "1.7976931348623157E+308")
		}
		return &expr.Literal{Value: f, Type: types.Double}
	}
	if isInt {
		if n, err := strconv.ParseInt(sign+text, 10, 32); err == nil {
			return &expr.Literal{Value: int32(n), Type: types.Integer}
		}
		if n, err := strconv.ParseInt(sign+text, 10, 64); err == nil {
			return &expr.Literal{Value: n, Type: types.Long}
		}
	}
	return p.decimalLiteral(t, sign, text, false)
}

// decimalLiteral builds a DECIMAL literal from digits with an optional
// point and exponent. Precision and scale follow Java's BigDecimal as
// Spark uses it: 1.5 is (2,1), 0.05 is (2,2), 100 is (3,0).
//
// A BD literal (explicit) beyond 38 digits is an error; a plain one falls
// back to DOUBLE.
func (p *parser) decimalLiteral(t token, sign, text string, explicit bool) expr.Expr {
	mant, exp := text, 0
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		e, err := strconv.Atoi(text[i+1:])
		if err != nil {
			p.failAt(t)
		}
		mant, exp = text[:i], e
	}
	scale := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	scale -= exp
	if scale < 0 {
		// Spark keeps no negative scales in decimal types.
		mant += strings.Repeat("0", -scale)
		scale = 0
	}
	digits := strings.TrimLeft(mant, "0")
	prec, scale := decimalLiteralType(digits, scale)
	if prec > types.MaxDecimalPrecision && explicit {
		p.fail(errorAt(t, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "Decimal precision %d exceeds max precision %d.", prec, types.MaxDecimalPrecision))
	}
	if prec > types.MaxDecimalPrecision {
		// Too long for DECIMAL(38): Spark falls back to DOUBLE.
		f, _, err := big.ParseFloat(sign+text, 10, 64, big.ToNearestEven)
		if err != nil {
			p.failAt(t)
		}
		v, _ := f.Float64()
		return &expr.Literal{Value: v, Type: types.Double}
	}
	unscaled := digits
	if unscaled == "" {
		unscaled = "0"
	} else {
		unscaled = sign + unscaled
	}
	return &expr.Literal{Value: expr.Decimal{Unscaled: unscaled, Precision: prec, Scale: scale}, Type: types.DecimalType{Precision: prec, Scale: scale}}
}

// decimalLiteralType is the DECIMAL(p,s) of a literal whose unscaled value
// has the given significant digits (no leading zeros).
func decimalLiteralType(digits string, scale int) (int, int) {
	prec := len(digits)
	if prec == 0 {
		prec = 1
	}
	if prec < scale {
		prec = scale
	}
	return prec, scale
}

// typedLiteral parses DATE 'x' and TIMESTAMP 'x' (UTC session zone).
func (p *parser) typedLiteral(kw token, s string) expr.Expr {
	kind := strings.ToUpper(kw.text)
	bad := func() {
		p.fail(errorAt(kw, "INVALID_TYPED_LITERAL", "The value of the typed literal %q is invalid: %s", kind, quoteString(s)))
	}
	if kind == "DATE" {
		d, ok := parseDate(strings.TrimSpace(s))
		if !ok {
			bad()
		}
		return &expr.Literal{Value: int32(d.Unix() / 86400), Type: types.Date}
	}
	ts, ok := parseTimestamp(strings.TrimSpace(s), kind == "TIMESTAMP_NTZ")
	if !ok {
		bad()
	}
	typ := types.Timestamp
	if kind == "TIMESTAMP_NTZ" {
		typ = types.TimestampNTZ
	}
	return &expr.Literal{Value: ts.UnixMicro(), Type: typ}
}

// parseDate accepts yyyy, yyyy-[m]m, yyyy-[m]m-[d]d with optional trailing
// time part as Spark's stringToDate does.
func parseDate(s string) (time.Time, bool) {
	if i := strings.IndexAny(s, " T"); i >= 0 {
		s = s[:i]
	}
	// The year may carry a sign ([+-]yyyy), as in Spark.
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) < 4 || len(parts[0]) > 7 || !isDigit(parts[0][0]) {
		return time.Time{}, false
	}
	nums := []int{0, 1, 1}
	for i, part := range parts {
		n, err := strconv.Atoi(part)
		if err != nil || part == "" || (i > 0 && len(part) > 2) {
			return time.Time{}, false
		}
		nums[i] = n
	}
	if neg {
		nums[0] = -nums[0]
	}
	d := time.Date(nums[0], time.Month(nums[1]), nums[2], 0, 0, 0, 0, time.UTC)
	if d.Month() != time.Month(nums[1]) || d.Day() != nums[2] {
		return time.Time{}, false
	}
	return d, true
}

// parseTimestamp accepts a date, optionally followed by ' ' or 'T' and
// HH:mm[:ss[.ffffff]], and an optional zone (Z, +hh:mm, or a name Go
// knows) unless ntz.
func parseTimestamp(s string, ntz bool) (time.Time, bool) {
	datePart, rest := s, ""
	if i := strings.IndexAny(s, " T"); i >= 0 {
		datePart, rest = s[:i], strings.TrimSpace(s[i+1:])
	}
	d, ok := parseDate(datePart)
	if !ok {
		return time.Time{}, false
	}
	if rest == "" {
		return d, true
	}
	// The clock is digits, colons and a fraction; whatever follows is the
	// zone: Z, +hh[:mm], UTC+hh:mm, or a region name.
	n := 0
	for n < len(rest) && (isDigit(rest[n]) || rest[n] == ':' || rest[n] == '.') {
		n++
	}
	clock, zone := rest[:n], strings.TrimSpace(rest[n:])
	loc := time.UTC
	if zone != "" {
		if ntz {
			return time.Time{}, false
		}
		var ok bool
		if loc, ok = parseZone(zone); !ok {
			return time.Time{}, false
		}
	}
	fields := strings.Split(clock, ":")
	if len(fields) < 2 || len(fields) > 3 {
		return time.Time{}, false
	}
	h, err1 := strconv.Atoi(fields[0])
	m, err2 := strconv.Atoi(fields[1])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return time.Time{}, false
	}
	sec, nanos := 0, 0
	if len(fields) == 3 {
		sf := fields[2]
		frac := ""
		if i := strings.IndexByte(sf, '.'); i >= 0 {
			sf, frac = sf[:i], sf[i+1:]
		}
		var err error
		if sec, err = strconv.Atoi(sf); err != nil || sec > 59 {
			return time.Time{}, false
		}
		if frac != "" {
			if len(frac) > 9 {
				return time.Time{}, false
			}
			f, err := strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
			if err != nil {
				return time.Time{}, false
			}
			nanos = f / 1000 * 1000 // microsecond precision
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, sec, nanos, loc).UTC(), true
}

// parseZone reads a zone of a timestamp literal.
func parseZone(zone string) (*time.Location, bool) {
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(zone, prefix) && (len(zone) == len(prefix) || zone[len(prefix)] == '+' || zone[len(prefix)] == '-') {
			zone = strings.TrimPrefix(zone, prefix)
			if zone == "" {
				return time.UTC, true
			}
			break
		}
	}
	if zone == "Z" {
		return time.UTC, true
	}
	if zone[0] != '+' && zone[0] != '-' {
		l, err := time.LoadLocation(zone)
		return l, err == nil
	}
	digits := strings.ReplaceAll(zone[1:], ":", "")
	if len(digits) == 1 || len(digits) == 3 {
		digits = "0" + digits
	}
	if len(digits) != 2 && len(digits) != 4 && len(digits) != 6 {
		return nil, false
	}
	off := 0
	for i, mult := range []int{3600, 60, 1} {
		if 2*i >= len(digits) {
			break
		}
		v, err := strconv.Atoi(digits[2*i : 2*i+2])
		if err != nil {
			return nil, false
		}
		off += v * mult
	}
	if off > 18*3600 {
		return nil, false
	}
	if zone[0] == '-' {
		off = -off
	}
	return time.FixedZone(zone, off), true
}
