package expr

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// CastSupported reports whether a (non-ANSI) Spark cast from -> to is
// accepted at analysis time.
func CastSupported(from, to types.DataType) bool {
	if types.Equal(from, to) || isNullT(from) {
		return true
	}
	switch to.(type) {
	case types.StringType:
		return isAtomic(from) || types.IsVariant(from)
	case types.BooleanType:
		return types.IsNumeric(from) || isString(from)
	case types.ByteType, types.ShortType, types.IntegerType, types.LongType,
		types.FloatType, types.DoubleType, types.DecimalType:
		switch from.(type) {
		case types.BooleanType, types.StringType, tsT:
			return true
		}
		return types.IsNumeric(from)
	case dateT:
		switch from.(type) {
		case types.StringType, tsT, tsNTZT:
			return true
		}
	case tsT:
		switch from.(type) {
		case types.StringType, dateT, tsNTZT:
			return true
		}
		return types.IsNumeric(from)
	case tsNTZT:
		switch from.(type) {
		case types.StringType, dateT, tsT:
			return true
		}
	case types.BinaryType:
		return isString(from) || types.IsIntegral(from)
	}
	return false
}

// castForceNullable mirrors Spark's Cast.forceNullable: casts that can
// turn a value into NULL (parsing, overflow into decimals, NaN to time).
func castForceNullable(from, to types.DataType) bool {
	if types.Equal(from, to) {
		return false
	}
	switch {
	case isString(from) && !isString(to):
		return true
	case isNullT(from):
		return true
	}
	switch to.(type) {
	case decT:
		return true
	case tsT:
		_, isF := from.(types.FloatType)
		_, isD := from.(types.DoubleType)
		return isF || isD
	}
	return false
}

type castFunc func(mem memory.Allocator, a arrow.Array) (arrow.Array, error)

func (cp *compiler) compileCast(out *compiled, e *Cast) error {
	c, err := cp.compile(e.Child)
	if err != nil {
		return err
	}
	k, err := castKernel(c.t, e.To)
	if err != nil {
		return fmt.Errorf("expr: compile %s: %w", e, err)
	}
	out.f = func(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
		a, err := c.f(ctx, mem, b)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		return k(mem, a)
	}
	return nil
}

// CastArray converts an array of Spark type from to type to with Cast's
// semantics (used by operators that align schemas, e.g. unions and sinks).
func CastArray(mem memory.Allocator, a arrow.Array, from, to types.DataType) (arrow.Array, error) {
	k, err := castKernel(from, to)
	if err != nil {
		return nil, err
	}
	return k(mem, a)
}

func castKernel(from, to types.DataType) (castFunc, error) {
	at := types.ToArrow(to)
	switch {
	case types.Equal(from, to):
		return func(_ memory.Allocator, a arrow.Array) (arrow.Array, error) { a.Retain(); return a, nil }, nil
	case isNullT(from):
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return array.MakeArrayOfNull(mem, at, a.Len()), nil
		}, nil
	case !CastSupported(from, to):
		return nil, fmt.Errorf("cast %s to %s: %w", from.SQL(), to.SQL(), ErrUnsupported)
	}
	switch to := to.(type) {
	case types.StringType:
		if types.IsVariant(from) {
			return castVariantToString, nil
		}
		return castToString(from)
	case types.BooleanType:
		return castToBool(from)
	case types.BinaryType:
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			s, err := castToString(from)
			if err != nil {
				return nil, err
			}
			sa, err := s(mem, a)
			if err != nil {
				return nil, err
			}
			defer sa.Release()
			bld := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
			defer bld.Release()
			ss := sa.(*array.String)
			for i := 0; i < ss.Len(); i++ {
				if ss.IsNull(i) {
					bld.AppendNull()
				} else {
					bld.Append([]byte(ss.Value(i)))
				}
			}
			return bld.NewArray(), nil
		}, nil
	case decT:
		return castToDecimal(from, to)
	}
	if isString(from) {
		return castFromString(to, at)
	}
	if fd, ok := from.(decT); ok {
		return castFromDecimal(fd, to, at)
	}
	return castFixed(from, to, at)
}

// castFixed handles fixed-width to fixed-width: numbers, booleans, dates
// and timestamps.
func castFixed(from, to types.DataType, at arrow.DataType) (castFunc, error) {
	if _, ok := from.(types.BooleanType); ok {
		return fixedTarget(to, at, func(a arrow.Array) (func(i int) int64, func(i int) float64) {
			b := a.(*array.Boolean)
			iv := func(i int) int64 {
				if b.Value(i) {
					return 1
				}
				return 0
			}
			return iv, func(i int) float64 { return float64(iv(i)) }
		}, nil)
	}
	_, fromTS := from.(tsT)
	_, fromNTZ := from.(tsNTZT)
	_, fromDate := from.(dateT)
	switch to.(type) {
	case tsT, tsNTZT:
		switch {
		case fromTS || fromNTZ:
			return reinterpret(at), nil
		case fromDate:
			return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
				return mapFixed[int32, int64](mem, a, at, func(d int32) (int64, bool) { return int64(d) * microsPerDay, true }), nil
			}, nil
		}
		// Numbers are seconds since the epoch: integral ones saturate like
		// Java's TimeUnit.SECONDS.toMicros, fractional ones keep microseconds
		// (truncating, as Spark's (d * 1e6).toLong) and NaN/Infinity is NULL.
		if isFloatT(from) {
			return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
				if _, f32 := from.(types.FloatType); f32 {
					return mapFixed[float32, int64](mem, a, at, func(d float32) (int64, bool) { return floatSecondsToMicros(float64(d)) }), nil
				}
				return mapFixed[float64, int64](mem, a, at, floatSecondsToMicros), nil
			}, nil
		}
		return fixedTarget(to, at, nil, func(s int64) (int64, bool) { return saturatingMul(s, microsPerSecond), true })
	case dateT:
		if fromTS || fromNTZ {
			return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
				return mapFixed[int64, int32](mem, a, at, func(us int64) (int32, bool) { return int32(floorDiv(us, microsPerDay)), true }), nil
			}, nil
		}
	}
	if fromTS {
		// Timestamps become seconds: floor for integral targets, with the
		// fraction for floating ones.
		return fixedTarget(to, at, func(a arrow.Array) (func(i int) int64, func(i int) float64) {
			v := values[int64](a)
			return func(i int) int64 { return floorDiv(v[i], microsPerSecond) },
				func(i int) float64 { return float64(v[i]) / float64(microsPerSecond) }
		}, nil)
	}
	return numericCast(from, to, at)
}

func isFloatT(t types.DataType) bool {
	switch t.(type) {
	case types.FloatType, types.DoubleType:
		return true
	}
	return false
}

func floatSecondsToMicros(d float64) (int64, bool) {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, false
	}
	return d2l(d * float64(microsPerSecond)), true
}

func saturatingMul(a, b int64) int64 {
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	if a < math.MinInt64/b {
		return math.MinInt64
	}
	return a * b
}

// d2l and d2i are Java's saturating float-to-integer conversions (NaN is
// 0), which Spark's non-ANSI casts inherit. Go leaves out-of-range
// conversions undefined, so they are spelled out.
func d2l(d float64) int64 {
	switch {
	case math.IsNaN(d):
		return 0
	case d >= math.MaxInt64:
		return math.MaxInt64
	case d <= math.MinInt64:
		return math.MinInt64
	}
	return int64(d)
}

func d2i(d float64) int32 {
	switch {
	case math.IsNaN(d):
		return 0
	case d >= math.MaxInt32:
		return math.MaxInt32
	case d <= math.MinInt32:
		return math.MinInt32
	}
	return int32(d)
}

func reinterpret(at arrow.DataType) castFunc {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		d := array.NewData(at, a.Len(), a.Data().Buffers(), nil, a.NullN(), a.Data().Offset())
		defer d.Release()
		return array.MakeFromData(d), nil
	}
}

// mapFixed applies f to every non-null value; f returning false makes NULL.
func mapFixed[S, D physical](mem memory.Allocator, a arrow.Array, at arrow.DataType, f func(S) (D, bool)) arrow.Array {
	src := values[S](a)
	o := newFixedOut[D](mem, len(src), validityOf(mem, len(src), a))
	for i, v := range src {
		r, ok := f(v)
		if !ok {
			o.valid.clear(i)
			continue
		}
		o.vals[i] = r
	}
	return o.finish(at)
}

// convert is a plain Go conversion: integers wrap when narrowing (Java's
// semantics, which Spark's non-ANSI casts keep), integers widen to floats.
func convert[S, D physical](mem memory.Allocator, a arrow.Array, at arrow.DataType) arrow.Array {
	src := values[S](a)
	o := newFixedOut[D](mem, len(src), validityOf(mem, len(src), a))
	for i, v := range src {
		o.vals[i] = D(v)
	}
	return o.finish(at)
}

func convertFrom[S physical](to types.DataType, at arrow.DataType) castFunc {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		switch to.(type) {
		case types.ByteType:
			return convert[S, int8](mem, a, at), nil
		case types.ShortType:
			return convert[S, int16](mem, a, at), nil
		case types.IntegerType:
			return convert[S, int32](mem, a, at), nil
		case types.LongType:
			return convert[S, int64](mem, a, at), nil
		case types.FloatType:
			return convert[S, float32](mem, a, at), nil
		case types.DoubleType:
			return convert[S, float64](mem, a, at), nil
		}
		return nil, fmt.Errorf("cast to %s: %w", to.SQL(), ErrUnsupported)
	}
}

func numericCast(from, to types.DataType, at arrow.DataType) (castFunc, error) {
	if isFloatT(from) && types.IsIntegral(to) {
		// Saturate to int (or long), then wrap to the narrower target, as
		// Scala's Double.toByte does.
		return fixedTarget(to, at, func(a arrow.Array) (func(i int) int64, func(i int) float64) {
			var fv func(i int) float64
			if _, f32 := from.(types.FloatType); f32 {
				v := values[float32](a)
				fv = func(i int) float64 { return float64(v[i]) }
			} else {
				v := values[float64](a)
				fv = func(i int) float64 { return v[i] }
			}
			if _, long := to.(types.LongType); long {
				return func(i int) int64 { return d2l(fv(i)) }, fv
			}
			return func(i int) int64 { return int64(d2i(fv(i))) }, fv
		}, nil)
	}
	switch from.(type) {
	case types.ByteType:
		return convertFrom[int8](to, at), nil
	case types.ShortType:
		return convertFrom[int16](to, at), nil
	case types.IntegerType:
		return convertFrom[int32](to, at), nil
	case types.LongType:
		return convertFrom[int64](to, at), nil
	case types.FloatType:
		return convertFrom[float32](to, at), nil
	case types.DoubleType:
		return convertFrom[float64](to, at), nil
	}
	return nil, fmt.Errorf("cast %s to %s: %w", from.SQL(), to.SQL(), ErrUnsupported)
}

// fixedTarget builds a numeric/temporal target from per-row int64 and
// float64 readers of the source (src), or from an int64 source mapped by
// intMap. It is the slow generic path; hot casts have their own loops.
func fixedTarget(to types.DataType, at arrow.DataType,
	src func(a arrow.Array) (func(i int) int64, func(i int) float64),
	intMap func(int64) (int64, bool)) (castFunc, error) {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		var iv func(i int) int64
		var fv func(i int) float64
		if src != nil {
			iv, fv = src(a)
		} else {
			r, err := intReader(a)
			if err != nil {
				return nil, err
			}
			iv = func(i int) int64 {
				v, _ := intMap(r(i))
				return v
			}
		}
		n := a.Len()
		valid := validityOf(mem, n, a)
		switch to.(type) {
		case types.ByteType:
			return fillFrom(mem, n, valid, at, func(i int) int8 { return int8(iv(i)) }), nil
		case types.ShortType:
			return fillFrom(mem, n, valid, at, func(i int) int16 { return int16(iv(i)) }), nil
		case types.IntegerType, dateT:
			return fillFrom(mem, n, valid, at, func(i int) int32 { return int32(iv(i)) }), nil
		case types.LongType, tsT, tsNTZT:
			return fillFrom(mem, n, valid, at, iv), nil
		case types.FloatType:
			return fillFrom(mem, n, valid, at, func(i int) float32 { return float32(fv(i)) }), nil
		case types.DoubleType:
			return fillFrom(mem, n, valid, at, fv), nil
		}
		valid.buf.Release()
		return nil, fmt.Errorf("cast to %s: %w", to.SQL(), ErrUnsupported)
	}, nil
}

func fillFrom[D physical](mem memory.Allocator, n int, valid bitmap, at arrow.DataType, f func(i int) D) arrow.Array {
	o := newFixedOut[D](mem, n, valid)
	for i := range o.vals {
		if valid.get(i) {
			o.vals[i] = f(i)
		}
	}
	return o.finish(at)
}

// intReader reads any integral array as int64.
func intReader(a arrow.Array) (func(i int) int64, error) {
	switch a.DataType().ID() {
	case arrow.INT8:
		v := values[int8](a)
		return func(i int) int64 { return int64(v[i]) }, nil
	case arrow.INT16:
		v := values[int16](a)
		return func(i int) int64 { return int64(v[i]) }, nil
	case arrow.INT32, arrow.DATE32:
		v := values[int32](a)
		return func(i int) int64 { return int64(v[i]) }, nil
	case arrow.INT64, arrow.TIMESTAMP:
		v := values[int64](a)
		return func(i int) int64 { return v[i] }, nil
	}
	return nil, fmt.Errorf("integer read of %s: %w", a.DataType(), ErrUnsupported)
}

// floatReader reads any numeric array as float64.
func floatReader(a arrow.Array, t types.DataType) (func(i int) float64, error) {
	switch t := t.(type) {
	case types.FloatType:
		v := values[float32](a)
		return func(i int) float64 { return float64(v[i]) }, nil
	case types.DoubleType:
		v := values[float64](a)
		return func(i int) float64 { return v[i] }, nil
	case decT:
		v := decValues(a)
		scale := int32(t.Scale)
		return func(i int) float64 { return decToFloat64(v[i], scale) }, nil
	}
	r, err := intReader(a)
	if err != nil {
		return nil, err
	}
	return func(i int) float64 { return float64(r(i)) }, nil
}

// castToString formats each value as Spark prints it.
func castToString(from types.DataType) (castFunc, error) {
	var fmtAt func(a arrow.Array) func(i int) string
	switch f := from.(type) {
	case types.ByteType, types.ShortType, types.IntegerType, types.LongType:
		fmtAt = func(a arrow.Array) func(i int) string {
			r, _ := intReader(a)
			return func(i int) string { return strconv.FormatInt(r(i), 10) }
		}
	case types.FloatType:
		fmtAt = func(a arrow.Array) func(i int) string {
			v := values[float32](a)
			return func(i int) string { return javaFloat(float64(v[i]), 32) }
		}
	case types.DoubleType:
		fmtAt = func(a arrow.Array) func(i int) string {
			v := values[float64](a)
			return func(i int) string { return javaFloat(v[i], 64) }
		}
	case types.BooleanType:
		fmtAt = func(a arrow.Array) func(i int) string {
			b := a.(*array.Boolean)
			return func(i int) string { return strconv.FormatBool(b.Value(i)) }
		}
	case dateT:
		fmtAt = func(a arrow.Array) func(i int) string {
			v := values[int32](a)
			return func(i int) string { return formatDate(v[i]) }
		}
	case tsT, tsNTZT:
		fmtAt = func(a arrow.Array) func(i int) string {
			v := values[int64](a)
			return func(i int) string { return formatTimestamp(v[i]) }
		}
	case decT:
		fmtAt = func(a arrow.Array) func(i int) string {
			v := decValues(a)
			return func(i int) string { return v[i].ToString(int32(f.Scale)) }
		}
	case types.BinaryType:
		fmtAt = func(a arrow.Array) func(i int) string {
			b := a.(*array.Binary)
			return func(i int) string { return string(b.Value(i)) }
		}
	default:
		return nil, fmt.Errorf("cast %s to STRING: %w", from.SQL(), ErrUnsupported)
	}
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		f := fmtAt(a)
		bld := array.NewStringBuilder(mem)
		defer bld.Release()
		bld.Reserve(a.Len())
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				bld.AppendNull()
				continue
			}
			bld.Append(f(i))
		}
		return bld.NewArray(), nil
	}, nil
}

func castToBool(from types.DataType) (castFunc, error) {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		n := a.Len()
		valid := validityOf(mem, n, a)
		vals := newBitmap(mem, n, false)
		if isString(from) {
			s := a.(*array.String)
			for i := 0; i < n; i++ {
				if !valid.get(i) {
					continue
				}
				switch strings.ToLower(strings.TrimSpace(s.Value(i))) {
				case "t", "true", "y", "yes", "1":
					vals.set(i)
				case "f", "false", "n", "no", "0":
				default:
					valid.clear(i)
				}
			}
			return boolOut(n, vals, valid), nil
		}
		if d, ok := from.(decT); ok {
			v := decValues(a)
			_ = d
			for i := range v {
				vals.setTo(i, v[i].Sign() != 0)
			}
			return boolOut(n, vals, valid), nil
		}
		f, err := floatReader(a, from)
		if err != nil {
			valid.buf.Release()
			vals.buf.Release()
			return nil, err
		}
		for i := 0; i < n; i++ {
			vals.setTo(i, f(i) != 0)
		}
		return boolOut(n, vals, valid), nil
	}, nil
}

// castFromString parses trimmed strings; anything unparsable is NULL.
func castFromString(to types.DataType, at arrow.DataType) (castFunc, error) {
	var parse func(s string) (int64, float64, bool)
	switch to.(type) {
	case types.ByteType:
		parse = intParser(8)
	case types.ShortType:
		parse = intParser(16)
	case types.IntegerType:
		parse = intParser(32)
	case types.LongType:
		parse = intParser(64)
	case types.FloatType, types.DoubleType:
		parse = func(s string) (int64, float64, bool) {
			f, ok := parseJavaDouble(s)
			return 0, f, ok
		}
	case dateT:
		parse = func(s string) (int64, float64, bool) {
			d, ok := parseDate(s)
			return int64(d), 0, ok
		}
	case tsT, tsNTZT:
		parse = func(s string) (int64, float64, bool) {
			us, ok := parseTimestamp(s)
			return us, 0, ok
		}
	default:
		return nil, fmt.Errorf("cast STRING to %s: %w", to.SQL(), ErrUnsupported)
	}
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		s := a.(*array.String)
		n := a.Len()
		valid := validityOf(mem, n, a)
		ints := make([]int64, n)
		floats := make([]float64, n)
		for i := 0; i < n; i++ {
			if !valid.get(i) {
				continue
			}
			iv, fv, ok := parse(s.Value(i))
			if !ok {
				valid.clear(i)
				continue
			}
			ints[i], floats[i] = iv, fv
		}
		switch to.(type) {
		case types.ByteType:
			return fillFrom(mem, n, valid, at, func(i int) int8 { return int8(ints[i]) }), nil
		case types.ShortType:
			return fillFrom(mem, n, valid, at, func(i int) int16 { return int16(ints[i]) }), nil
		case types.IntegerType, dateT:
			return fillFrom(mem, n, valid, at, func(i int) int32 { return int32(ints[i]) }), nil
		case types.FloatType:
			return fillFrom(mem, n, valid, at, func(i int) float32 { return float32(floats[i]) }), nil
		case types.DoubleType:
			return fillFrom(mem, n, valid, at, func(i int) float64 { return floats[i] }), nil
		}
		return fillFrom(mem, n, valid, at, func(i int) int64 { return ints[i] }), nil
	}, nil
}

// intParser follows Spark's UTF8String.toLong/toInt: optional sign,
// digits, and an optional '.' followed only by digits (the fraction is
// dropped, so "4.5" is 4); out of range is NULL.
func intParser(bits int) func(s string) (int64, float64, bool) {
	return func(s string) (int64, float64, bool) {
		if v, err := strconv.ParseInt(s, 10, bits); err == nil {
			return v, 0, true // the common, already clean case
		}
		s = strings.TrimSpace(s)
		if intPart, frac, ok := strings.Cut(s, "."); ok {
			for _, c := range frac {
				if c < '0' || c > '9' {
					return 0, 0, false
				}
			}
			s = intPart
			if s == "" || s == "+" || s == "-" {
				return 0, 0, true // UTF8String.toLong reads ".5" and "." as 0
			}
		}
		if strings.HasPrefix(s, "+") {
			s = s[1:]
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
				return 0, 0, false
			}
		}
		v, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return 0, 0, false
		}
		return v, 0, true
	}
}

// parseJavaDouble accepts what Java's Double.parseDouble does (trailing
// d/f suffix, NaN, Infinity) plus Spark's extra "inf" spellings.
func parseJavaDouble(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if n := len(s); n > 1 {
		switch s[n-1] {
		case 'd', 'D', 'f', 'F':
			if c := s[n-2]; c >= '0' && c <= '9' || c == '.' {
				s = s[:n-1]
			}
		}
	}
	if strings.Contains(s, "_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // ±Inf or 0, as Java
		}
		return 0, false
	}
	return f, true
}

func castToDecimal(from types.DataType, to decT) (castFunc, error) {
	at := types.ToArrow(to).(*arrow.Decimal128Type)
	scale := to.Scale
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		n := a.Len()
		bld := array.NewDecimal128Builder(mem, at)
		defer bld.Release()
		bld.Reserve(n)
		var rat func(i int) (*big.Rat, bool)
		switch f := from.(type) {
		case decT:
			v := decValues(a)
			rat = func(i int) (*big.Rat, bool) { return decRat(v[i], f.Scale), true }
		case types.StringType:
			s := a.(*array.String)
			rat = func(i int) (*big.Rat, bool) {
				str := strings.TrimSpace(s.Value(i))
				if str == "" || strings.ContainsAny(str, "/_") {
					return nil, false
				}
				return new(big.Rat).SetString(str)
			}
		case types.BooleanType:
			b := a.(*array.Boolean)
			rat = func(i int) (*big.Rat, bool) {
				if b.Value(i) {
					return big.NewRat(1, 1), true
				}
				return new(big.Rat), true
			}
		case types.FloatType, types.DoubleType:
			fr, err := floatReader(a, from)
			if err != nil {
				return nil, err
			}
			rat = func(i int) (*big.Rat, bool) {
				x := fr(i)
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, false
				}
				// Spark goes through the double's shortest decimal string
				// (BigDecimal(d.toString)), so 0.1 is 0.1, not its binary value.
				return new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
			}
		case tsT:
			v := values[int64](a)
			rat = func(i int) (*big.Rat, bool) { return big.NewRat(v[i], microsPerSecond), true }
		default:
			ir, err := intReader(a)
			if err != nil {
				return nil, err
			}
			rat = func(i int) (*big.Rat, bool) { return new(big.Rat).SetInt64(ir(i)), true }
		}
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				bld.AppendNull()
				continue
			}
			r, ok := rat(i)
			if !ok {
				bld.AppendNull()
				continue
			}
			v, ok := fitsDecimal(roundRat(r, scale), to.Precision)
			if !ok {
				bld.AppendNull()
				continue
			}
			bld.Append(v)
		}
		return bld.NewArray(), nil
	}, nil
}

func castFromDecimal(from decT, to types.DataType, at arrow.DataType) (castFunc, error) {
	switch to.(type) {
	case tsT:
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			v := decValues(a)
			return fillFrom(mem, a.Len(), validityOf(mem, a.Len(), a), at, func(i int) int64 {
				r := new(big.Rat).Mul(decRat(v[i], from.Scale), big.NewRat(microsPerSecond, 1))
				return new(big.Int).Quo(r.Num(), r.Denom()).Int64()
			}), nil
		}, nil
	}
	return fixedTarget(to, at, func(a arrow.Array) (func(i int) int64, func(i int) float64) {
		v := decValues(a)
		div := decimal128.GetScaleMultiplier(from.Scale)
		return func(i int) int64 {
				q, _ := v[i].Div(div) // truncates toward zero
				return int64(q.LowBits())
			},
			func(i int) float64 { return decToFloat64(v[i], int32(from.Scale)) }
	}, nil)
}

// decToFloat64 converts a decimal to the nearest double, as Java's
// BigDecimal.doubleValue does. decimal128's ToFloat64 multiplies by a
// rounded power of ten and so is off by an ulp for values like 90.1. When
// the unscaled value and 10^scale are both exact doubles (below 2^53 and
// 10^22) one IEEE division rounds correctly; otherwise the decimal's text
// goes through strconv, which always does.
func decToFloat64(n decimal128.Num, scale int32) float64 {
	if n.HighBits() == 0 || n.HighBits() == -1 {
		u := int64(n.LowBits())
		if (n.HighBits() == 0) == (u >= 0) && u < 1<<53 && u > -(1<<53) && scale >= 0 && scale <= 22 {
			return float64(u) / float64Pow10[scale]
		}
	}
	f, _ := strconv.ParseFloat(n.ToString(scale), 64)
	return f
}

var float64Pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}
