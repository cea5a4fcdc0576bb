package textread

import (
	"bytes"
	"math"
	"strconv"
)

// ParseInteger parses text as Java's Integer.parseInt / Long.parseLong do
// (which is what Spark's CSV reader and inference call, and the form of a
// JSON integer token): an optional sign and decimal digits, nothing else,
// within bits (8, 16, 32 or 64). It does not allocate.
func ParseInteger(b []byte, bits int) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	switch b[0] {
	case '-':
		neg, b = true, b[1:]
	case '+':
		b = b[1:]
	}
	// 19 digits cannot overflow the uint64 accumulator; anything longer is
	// out of range for every width.
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		u = u*10 + uint64(ch-'0')
	}
	limit := uint64(1) << (bits - 1)
	if neg {
		if u > limit {
			return 0, false
		}
		return -int64(u), true
	}
	if u >= limit {
		return 0, false
	}
	return int64(u), true
}

// ParseJavaDouble parses text as Java's Double.parseDouble does for decimal
// input: surrounding whitespace trimmed, an optional d/f suffix, "NaN" and
// "Infinity" with an optional sign, and "1." or ".5" forms. Go-only forms
// (hex floats, "inf", underscores) are rejected; a magnitude out of range is
// ±Inf or 0, as in Java.
func ParseJavaDouble(b []byte) (float64, bool) {
	// Java trims chars <= ' '; bytes of multi-byte UTF-8 are all >= 0x80, so
	// trimming bytes is the same and needs no rune decoding.
	for len(b) > 0 && b[0] <= ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] <= ' ' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return 0, false
	}
	switch string(b) {
	case "NaN", "+NaN", "-NaN":
		return math.NaN(), true
	case "Infinity", "+Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	switch b[len(b)-1] {
	case 'd', 'D', 'f', 'F':
		b = b[:len(b)-1]
	}
	if !IsDecimalNumber(b) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !IsRangeErr(err) {
		return 0, false
	}
	return f, true
}

// IsRangeErr reports whether err is strconv's out-of-range error, for which
// the parsed value (±Inf, 0) is still the right reading.
func IsRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// IsDecimalNumber reports whether s is [sign] digits [. digits] [e [sign]
// digits] with at least one digit in the mantissa — a number as JSON or
// Java's BigDecimal writes one, not Go's hex, "inf" or underscore forms.
func IsDecimalNumber(s []byte) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// ParseBoolean accepts "true" and "false" in any case, as Scala's toBoolean.
func ParseBoolean(b []byte) (v, ok bool) {
	switch {
	case bytes.EqualFold(b, []byte("true")):
		return true, true
	case bytes.EqualFold(b, []byte("false")):
		return false, true
	}
	return false, false
}

// DecimalShape returns the precision and scale of a plain decimal literal
// ("-12.50" is 4,2), as Java's BigDecimal reports them, with Spark's rule
// that precision is at least the scale ("0.05" is 2,2). Exponents are not
// accepted. It does not allocate.
func DecimalShape(b []byte) (prec, scale int, ok bool) {
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		b = b[1:]
	}
	intPart, frac, _ := bytes.Cut(b, []byte{'.'})
	if len(intPart)+len(frac) == 0 || !allDigits(intPart) || !allDigits(frac) {
		return 0, 0, false
	}
	// The unscaled value is intPart followed by frac; its leading zeros
	// (which may run on into frac) are not significant.
	zeros := 0
	for zeros < len(intPart) && intPart[zeros] == '0' {
		zeros++
	}
	if zeros == len(intPart) {
		for _, c := range frac {
			if c != '0' {
				break
			}
			zeros++
		}
	}
	prec = max(len(intPart)+len(frac)-zeros, 1)
	scale = len(frac)
	return max(prec, scale), scale, true
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
