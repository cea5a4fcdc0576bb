package expr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ingotdata/ingot/types"
)

// Helpers that the registry entries share.

func anyTrue(ns []bool) bool {
	for _, n := range ns {
		if n {
			return true
		}
	}
	return false
}

func allTrue(ns []bool) bool {
	for _, n := range ns {
		if !n {
			return false
		}
	}
	return len(ns) > 0
}

// returns is a Result that is always t, NULL when any argument is.
func returns(t types.DataType) func([]types.DataType, []bool) (types.DataType, bool, error) {
	return func(_ []types.DataType, ns []bool) (types.DataType, bool, error) { return t, anyTrue(ns), nil }
}

// returnsNullable is a Result that is always t and may be NULL.
func returnsNullable(t types.DataType) func([]types.DataType, []bool) (types.DataType, bool, error) {
	return func([]types.DataType, []bool) (types.DataType, bool, error) { return t, true, nil }
}

var errNeedsNumeric = errors.New("requires numeric arguments")

// argsTo casts every argument to t, accepting only what the predicate ok
// allows (NULL always passes).
func argsTo(t types.DataType, ok func(types.DataType) bool, why string) func([]types.DataType) ([]types.DataType, error) {
	return func(args []types.DataType) ([]types.DataType, error) {
		out := make([]types.DataType, len(args))
		for i, a := range args {
			if !isNullT(a) && !ok(a) {
				return nil, fmt.Errorf("parameter %d requires %s, however it has the type %s", i+1, why, quoteType(a))
			}
			out[i] = t
		}
		return out, nil
	}
}

func numericOrString(t types.DataType) bool { return types.IsNumeric(t) || isString(t) }

var toDoubleArgs = argsTo(types.Double, numericOrString, `the "DOUBLE" type`)

// mapDouble applies f to argument 0 (a DOUBLE); f returning false is NULL.
func mapDouble(f func(float64) (float64, bool)) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		return mapFixed[float64, float64](c.mem, c.args[0], arrow.PrimitiveTypes.Float64, f), nil
	}
}

func binaryDouble(f func(x, y float64) (float64, bool)) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		a, b := values[float64](c.args[0]), values[float64](c.args[1])
		o := newFixedOut[float64](c.mem, c.n, validityOf(c.mem, c.n, c.args[0], c.args[1]))
		for i := range o.vals {
			r, ok := f(a[i], b[i])
			if !ok {
				o.valid.clear(i)
			}
			o.vals[i] = r
		}
		return o.finish(arrow.PrimitiveTypes.Float64), nil
	}
}

func init() {
	for _, up := range []bool{true, false} {
		name, pretty, fn := "floor", "FLOOR", math.Floor
		if up {
			name, pretty, fn = "ceil", "CEIL", math.Ceil
		}
		aliases := []string{}
		if up {
			aliases = append(aliases, "ceiling")
		}
		register(&FunctionInfo{Name: name, PrettyName: pretty, MinArgs: 1, MaxArgs: 1,
			Coerce: func(args []types.DataType) ([]types.DataType, error) {
				switch t := args[0].(type) {
				case decT:
					return []types.DataType{nil}, nil
				default:
					if types.IsIntegral(t) {
						return []types.DataType{types.Long}, nil
					}
				}
				return toDoubleArgs(args)
			},
			Result: func(args []types.DataType, ns []bool) (types.DataType, bool, error) {
				if d, ok := args[0].(decT); ok {
					return boundedDecimal(max(d.Precision-d.Scale+1, 1), 0), ns[0], nil
				}
				return types.Long, ns[0], nil
			},
			kernel: roundingKernel(fn, up),
		}, aliases...)
	}
	roundResultNoLits := func(args []types.DataType, ns []bool) (types.DataType, bool, error) {
		return roundResult(args, ns, nil)
	}
	register(&FunctionInfo{Name: "round", MinArgs: 1, MaxArgs: 2, Coerce: roundCoerce, Result: roundResultNoLits, resultLits: roundResult, kernel: roundKernel(false)})
	register(&FunctionInfo{Name: "bround", MinArgs: 1, MaxArgs: 2, Coerce: roundCoerce, Result: roundResultNoLits, resultLits: roundResult, kernel: roundKernel(true)})
	register(&FunctionInfo{Name: "abs", MinArgs: 1, MaxArgs: 1,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			if types.IsNumeric(args[0]) {
				return []types.DataType{nil}, nil
			}
			return toDoubleArgs(args)
		},
		Result: func(args []types.DataType, ns []bool) (types.DataType, bool, error) { return args[0], ns[0], nil },
		kernel: absKernel,
	})
	register(&FunctionInfo{Name: "sqrt", PrettyName: "SQRT", MinArgs: 1, MaxArgs: 1, Coerce: toDoubleArgs, Result: returns(types.Double),
		kernel: mapDouble(func(x float64) (float64, bool) { return math.Sqrt(x), true })})
	register(&FunctionInfo{Name: "exp", PrettyName: "EXP", MinArgs: 1, MaxArgs: 1, Coerce: toDoubleArgs, Result: returns(types.Double),
		kernel: mapDouble(func(x float64) (float64, bool) { return math.Exp(x), true })})
	// Spark's logarithms are NULL for non-positive input.
	register(&FunctionInfo{Name: "ln", MinArgs: 1, MaxArgs: 1, Coerce: toDoubleArgs, Result: returnsNullable(types.Double),
		kernel: mapDouble(func(x float64) (float64, bool) { return math.Log(x), x > 0 })})
	register(&FunctionInfo{Name: "log10", PrettyName: "LOG10", MinArgs: 1, MaxArgs: 1, Coerce: toDoubleArgs, Result: returnsNullable(types.Double),
		kernel: mapDouble(func(x float64) (float64, bool) { return math.Log10(x), x > 0 })})
	register(&FunctionInfo{Name: "log", PrettyName: "LOG", MinArgs: 1, MaxArgs: 2, Coerce: toDoubleArgs, Result: returnsNullable(types.Double),
		kernel: func(c *callArgs) (arrow.Array, error) {
			if len(c.args) == 1 {
				return mapDouble(func(x float64) (float64, bool) { return math.Log(x), x > 0 })(c)
			}
			return binaryDouble(func(b, x float64) (float64, bool) { return math.Log(x) / math.Log(b), x > 0 && b > 0 })(c)
		}})
	register(&FunctionInfo{Name: "power", PrettyName: "POWER", MinArgs: 2, MaxArgs: 2, Coerce: toDoubleArgs, Result: returns(types.Double),
		kernel: binaryDouble(func(x, y float64) (float64, bool) { return math.Pow(x, y), true })}, "pow")
}

func roundingKernel(fn func(float64) float64, up bool) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		a := c.args[0]
		switch t := c.types[0].(type) {
		case decT:
			rt := c.ret.(decT)
			return decimalMap(c, a, t, rt, func(r *big.Rat) *big.Int {
				q, m := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int)) // floor (Euclid, denom > 0)
				if up && m.Sign() != 0 {
					q.Add(q, big.NewInt(1))
				}
				return q
			})
		case types.LongType:
			a.Retain()
			return a, nil
		default:
			_ = t
			return mapFixed[float64, int64](c.mem, a, arrow.PrimitiveTypes.Int64, func(x float64) (int64, bool) { return d2l(fn(x)), true }), nil
		}
	}
}

// decimalMap applies f to each decimal value as a rational, writing
// results of type rt (NULL if they do not fit).
func decimalMap(c *callArgs, a arrow.Array, t, rt decT, f func(*big.Rat) *big.Int) (arrow.Array, error) {
	bld := array.NewDecimal128Builder(c.mem, types.ToArrow(rt).(*arrow.Decimal128Type))
	defer bld.Release()
	v := decValues(a)
	for i := range v {
		if a.IsNull(i) {
			bld.AppendNull()
			continue
		}
		r, ok := fitsDecimal(f(decRat(v[i], t.Scale)), rt.Precision)
		if !ok {
			bld.AppendNull()
			continue
		}
		bld.Append(r)
	}
	return bld.NewArray(), nil
}

func roundCoerce(args []types.DataType) ([]types.DataType, error) {
	out := make([]types.DataType, len(args))
	if !types.IsNumeric(args[0]) {
		if !isString(args[0]) && !isNullT(args[0]) {
			return nil, fmt.Errorf("parameter 1 requires the \"NUMERIC\" type, however it has the type %s", quoteType(args[0]))
		}
		out[0] = types.Double
	}
	if len(args) > 1 {
		if !types.IsIntegral(args[1]) {
			return nil, fmt.Errorf("parameter 2 requires the \"INT\" type, however it has the type %s", quoteType(args[1]))
		}
		out[1] = types.Integer
	}
	return out, nil
}

// roundResult: same type as the input; a decimal keeps at most the
// requested scale and gains an integer digit for the carry (Spark's
// Round.dataType), which needs the constant scale argument.
func roundResult(args []types.DataType, ns []bool, lits []*Literal) (types.DataType, bool, error) {
	d, ok := args[0].(decT)
	if !ok {
		return args[0], ns[0], nil
	}
	scale := int64(0)
	if len(lits) > 1 {
		if lits[1] == nil || lits[1].Value == nil {
			return nil, false, fmt.Errorf("round: the scale must be an integer constant: %w", ErrDataTypeMismatch)
		}
		scale = litInt(lits[1].Value)
	}
	intDigits := d.Precision - d.Scale + 1
	if scale < 0 {
		return boundedDecimal(max(intDigits, int(-scale)+1), 0), true, nil
	}
	s := min(d.Scale, int(scale))
	return boundedDecimal(intDigits+s, s), true, nil
}

// roundKernel rounds HALF_UP (round) or HALF_EVEN (bround) at d digits.
// Doubles round through their shortest decimal form, as Spark's
// BigDecimal(d) does, so round(2.675, 2) is 2.68.
func roundKernel(even bool) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		d, err := c.litIntArg(1, 0)
		if err != nil {
			return nil, err
		}
		scale := int(d)
		rnd := func(r *big.Rat) *big.Rat {
			if scale >= 0 {
				q := roundRatMode(r, scale, even)
				return new(big.Rat).SetFrac(q, pow10(scale))
			}
			shifted := new(big.Rat).Quo(r, new(big.Rat).SetInt(pow10(-scale)))
			q := roundRatMode(shifted, 0, even)
			return new(big.Rat).SetInt(q.Mul(q, pow10(-scale)))
		}
		a := c.args[0]
		switch t := c.types[0].(type) {
		case types.DoubleType, types.FloatType:
			bits := 64
			if _, f32 := t.(types.FloatType); f32 {
				bits = 32
			}
			f, _ := floatReader(a, t)
			vals := make([]float64, a.Len())
			for i := range vals {
				x := f(i)
				if math.IsNaN(x) || math.IsInf(x, 0) || a.IsNull(i) {
					vals[i] = x
					continue
				}
				r, _ := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, bits))
				vals[i], _ = rnd(r).Float64()
			}
			if bits == 32 {
				return fillFrom(c.mem, a.Len(), validityOf(c.mem, a.Len(), a), arrow.PrimitiveTypes.Float32, func(i int) float32 { return float32(vals[i]) }), nil
			}
			return fillFrom(c.mem, a.Len(), validityOf(c.mem, a.Len(), a), arrow.PrimitiveTypes.Float64, func(i int) float64 { return vals[i] }), nil
		case decT:
			rt := c.ret.(decT)
			return decimalMap(c, a, t, rt, func(r *big.Rat) *big.Int {
				return roundRatMode(rnd(r), rt.Scale, false)
			})
		}
		// Integral: only negative scales change the value.
		ir, err := intReader(a)
		if err != nil {
			return nil, err
		}
		res := make([]int64, a.Len())
		for i := range res {
			v := ir(i)
			if scale < 0 && !a.IsNull(i) {
				v = rnd(new(big.Rat).SetInt64(v)).Num().Int64()
			}
			res[i] = v
		}
		k, err := castKernel(types.Long, c.types[0])
		if err != nil {
			return nil, err
		}
		masked := fillFrom(c.mem, a.Len(), validityOf(c.mem, a.Len(), a), arrow.PrimitiveTypes.Int64, func(i int) int64 { return res[i] })
		defer masked.Release()
		return k(c.mem, masked)
	}
}

// roundRatMode rounds r to scale digits, HALF_UP or HALF_EVEN.
func roundRatMode(r *big.Rat, scale int, even bool) *big.Int {
	if !even {
		return roundRat(r, scale)
	}
	num := new(big.Int).Mul(r.Num(), pow10(scale))
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	m.Abs(m).Lsh(m, 1)
	c := m.Cmp(r.Denom())
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func absKernel(c *callArgs) (arrow.Array, error) {
	a := c.args[0]
	at := types.ToArrow(c.ret)
	switch t := c.types[0].(type) {
	case types.ByteType:
		return mapFixed[int8, int8](c.mem, a, at, func(x int8) (int8, bool) { return absInt(x), true }), nil
	case types.ShortType:
		return mapFixed[int16, int16](c.mem, a, at, func(x int16) (int16, bool) { return absInt(x), true }), nil
	case types.IntegerType:
		return mapFixed[int32, int32](c.mem, a, at, func(x int32) (int32, bool) { return absInt(x), true }), nil
	case types.LongType:
		return mapFixed[int64, int64](c.mem, a, at, func(x int64) (int64, bool) { return absInt(x), true }), nil
	case types.FloatType:
		return mapFixed[float32, float32](c.mem, a, at, func(x float32) (float32, bool) { return float32(math.Abs(float64(x))), true }), nil
	case types.DoubleType:
		return mapFixed[float64, float64](c.mem, a, at, func(x float64) (float64, bool) { return math.Abs(x), true }), nil
	case decT:
		return decimalMap(c, a, t, c.ret.(decT), func(r *big.Rat) *big.Int {
			return roundRat(new(big.Rat).Abs(r), t.Scale)
		})
	}
	return nil, fmt.Errorf("abs of %s: %w", c.types[0].SQL(), ErrUnsupported)
}

// absInt wraps for the minimum value, like Java's Math.abs.
func absInt[T int8 | int16 | int32 | int64](x T) T {
	if x < 0 {
		return -x
	}
	return x
}

func init() {
	// Reciprocal trigonometry, as Java computes it: 1/tan(0) is Infinity.
	for name, f := range map[string]func(float64) float64{
		"sec": func(x float64) float64 { return 1 / math.Cos(x) },
		"csc": func(x float64) float64 { return 1 / math.Sin(x) },
		"cot": func(x float64) float64 { return 1 / math.Tan(x) },
	} {
		register(&FunctionInfo{Name: name, PrettyName: strings.ToUpper(name), MinArgs: 1, MaxArgs: 1, Coerce: toDoubleArgs, Result: returns(types.Double),
			kernel: mapDouble(func(x float64) (float64, bool) { return f(x), true })})
	}
	// bit_count counts the one bits of a BOOLEAN or of an integer widened
	// to BIGINT with its sign (Java's Long.bitCount), so -1 has 64.
	register(&FunctionInfo{Name: "bit_count", MinArgs: 1, MaxArgs: 1,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			switch {
			case isNullT(args[0]) || types.IsIntegral(args[0]):
				return []types.DataType{types.Long}, nil
			case types.Equal(args[0], types.Boolean):
				return []types.DataType{nil}, nil
			}
			return nil, fmt.Errorf("parameter 1 requires (\"INTEGRAL\" or \"BOOLEAN\") type, however it has the type %s", quoteType(args[0]))
		},
		Result: returns(types.Integer),
		kernel: func(c *callArgs) (arrow.Array, error) {
			if b, ok := c.args[0].(*array.Boolean); ok {
				o := newFixedOut[int32](c.mem, c.n, validityOf(c.mem, c.n, b))
				for i := range o.vals {
					if b.Value(i) {
						o.vals[i] = 1
					}
				}
				return o.finish(arrow.PrimitiveTypes.Int32), nil
			}
			return mapFixed[int64, int32](c.mem, c.args[0], arrow.PrimitiveTypes.Int32, func(v int64) (int32, bool) {
				return int32(bits.OnesCount64(uint64(v))), true
			}), nil
		}})
	// pmod is the positive remainder: (a % n + n) % n when a % n < 0, NULL
	// for n = 0, over the operands' common numeric type.
	register(&FunctionInfo{Name: "pmod", MinArgs: 2, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			ts := append([]types.DataType(nil), args...)
			for i, t := range ts {
				if isString(t) {
					ts[i] = types.Double
				}
				if _, dec := ts[i].(decT); dec {
					return nil, fmt.Errorf("pmod of %s: %w", quoteType(t), ErrUnsupported)
				}
			}
			for i, t := range ts {
				if isNullT(t) {
					ts[i] = ts[1-i]
				}
			}
			if isNullT(ts[0]) {
				return []types.DataType{types.Double, types.Double}, nil
			}
			t, ok := widerNumeric(ts[0], ts[1])
			if !ok {
				return nil, fmt.Errorf("pmod requires numeric operands, not %s and %s", quoteType(args[0]), quoteType(args[1]))
			}
			return []types.DataType{t, t}, nil
		},
		Result: func(args []types.DataType, _ []bool) (types.DataType, bool, error) { return args[0], true, nil },
		kernel: func(c *callArgs) (arrow.Array, error) {
			switch c.types[0].(type) {
			case types.ByteType:
				return pmodKernel[int8](c), nil
			case types.ShortType:
				return pmodKernel[int16](c), nil
			case types.IntegerType:
				return pmodKernel[int32](c), nil
			case types.LongType:
				return pmodKernel[int64](c), nil
			case types.FloatType:
				return pmodKernel[float32](c), nil
			case types.DoubleType:
				return pmodKernel[float64](c), nil
			}
			return nil, fmt.Errorf("pmod of %s: %w", quoteType(c.types[0]), ErrUnsupported)
		}})
}

func pmodKernel[T physical](c *callArgs) arrow.Array {
	a, n := values[T](c.args[0]), values[T](c.args[1])
	o := newFixedOut[T](c.mem, c.n, validityOf(c.mem, c.n, c.args[0], c.args[1]))
	rem := func(x, y T) T {
		if isFloat[T]() {
			return floatRem(x, y)
		}
		return x - (x/y)*y
	}
	for i := range o.vals {
		if n[i] == 0 {
			o.valid.clear(i)
			continue
		}
		r := rem(a[i], n[i])
		if r < 0 {
			r = rem(r+n[i], n[i])
		}
		o.vals[i] = r
	}
	return o.finish(types.ToArrow(c.types[0]))
}

func init() {
	// width_bucket(v, min, max, n): the bucket of v among n equal-width
	// buckets over [min, max) (or (max, min] reversed), 0 below and n+1
	// above; NULL for n <= 0 or BIGINT's maximum, NaN input, equal or
	// non-finite bounds (Spark's WidthBucket).
	register(&FunctionInfo{Name: "width_bucket", MinArgs: 4, MaxArgs: 4,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			for i, a := range args {
				if !isNullT(a) && !numericOrString(a) {
					return nil, fmt.Errorf("parameter %d requires the \"DOUBLE\" type, however it has the type %s", i+1, quoteType(a))
				}
			}
			return []types.DataType{types.Double, types.Double, types.Double, types.Long}, nil
		},
		Result: returnsNullable(types.Long),
		kernel: func(c *callArgs) (arrow.Array, error) {
			v, lo, hi := values[float64](c.args[0]), values[float64](c.args[1]), values[float64](c.args[2])
			n := values[int64](c.args[3])
			o := newFixedOut[int64](c.mem, c.n, validityOf(c.mem, c.n, c.args...))
			for i := range o.vals {
				b, ok := widthBucket(v[i], lo[i], hi[i], n[i])
				if !ok {
					o.valid.clear(i)
					continue
				}
				o.vals[i] = b
			}
			return o.finish(arrow.PrimitiveTypes.Int64), nil
		}})
}

func widthBucket(v, min, max float64, n int64) (int64, bool) {
	if n <= 0 || n == math.MaxInt64 || math.IsNaN(v) || min == max ||
		math.IsNaN(min) || math.IsInf(min, 0) || math.IsNaN(max) || math.IsInf(max, 0) {
		return 0, false
	}
	lower, upper := math.Min(min, max), math.Max(min, max)
	if min < max {
		switch {
		case v < lower:
			return 0, true
		case v >= upper:
			return n + 1, true
		}
		return d2l(float64(n)*(v-lower)/(upper-lower)) + 1, true
	}
	switch {
	case v > upper:
		return 0, true
	case v <= lower:
		return n + 1, true
	}
	return d2l(float64(n)*(upper-v)/(upper-lower)) + 1, true
}

func init() {
	// mod(a, b) is a % b over the operands' common numeric type (NULL for
	// b = 0), as the operator.
	register(&FunctionInfo{Name: "mod", MinArgs: 2, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			ts := append([]types.DataType(nil), args...)
			for i, t := range ts {
				if isString(t) {
					ts[i] = types.Double
				}
				if _, dec := t.(decT); dec {
					return nil, fmt.Errorf("mod of %s: %w", quoteType(t), ErrUnsupported)
				}
			}
			for i, t := range ts {
				if isNullT(t) {
					ts[i] = ts[1-i]
				}
			}
			if isNullT(ts[0]) {
				return []types.DataType{types.Double, types.Double}, nil
			}
			t, ok := widerNumeric(ts[0], ts[1])
			if !ok {
				return nil, fmt.Errorf("mod requires numeric operands, not %s and %s", quoteType(args[0]), quoteType(args[1]))
			}
			return []types.DataType{t, t}, nil
		},
		Result: func(args []types.DataType, _ []bool) (types.DataType, bool, error) { return args[0], true, nil },
		kernel: func(c *callArgs) (arrow.Array, error) {
			k, err := numericArith(OpMod, c.types[0])
			if err != nil {
				return nil, err
			}
			return k(c.mem, c.args[0], c.args[1])
		}})
	// positive(x) is x; negative(x) is -x (strings as DOUBLE).
	numArg := func(args []types.DataType) ([]types.DataType, error) {
		switch {
		case isString(args[0]) || isNullT(args[0]):
			return []types.DataType{types.Double}, nil
		case types.IsNumeric(args[0]):
			return []types.DataType{nil}, nil
		}
		return nil, fmt.Errorf("parameter 1 requires the \"NUMERIC\" type, however it has the type %s", quoteType(args[0]))
	}
	sameType := func(args []types.DataType, ns []bool) (types.DataType, bool, error) { return args[0], ns[0], nil }
	register(&FunctionInfo{Name: "positive", MinArgs: 1, MaxArgs: 1, Coerce: numArg, Result: sameType,
		kernel: func(c *callArgs) (arrow.Array, error) {
			c.args[0].Retain()
			return c.args[0], nil
		}})
	register(&FunctionInfo{Name: "negative", MinArgs: 1, MaxArgs: 1, Coerce: numArg, Result: sameType,
		kernel: func(c *callArgs) (arrow.Array, error) {
			ev, err := Compile(&Unary{Op: OpNeg, Child: &BoundRef{Index: 0, Name: "x", Type: c.types[0], Nullable: true}})
			if err != nil {
				return nil, err
			}
			rec := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "x", Type: c.args[0].DataType(), Nullable: true}}, nil), []arrow.Array{c.args[0]}, int64(c.n))
			defer rec.Release()
			return ev.Eval(WithAllocator(context.Background(), c.mem), rec)
		}})
	// getbit(x, pos): bit pos of x (0 = least significant) as TINYINT; a
	// position outside the type's width is an error.
	register(&FunctionInfo{Name: "getbit", MinArgs: 2, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			if !isNullT(args[0]) && !types.IsIntegral(args[0]) || !isNullT(args[1]) && !types.IsIntegral(args[1]) {
				return nil, fmt.Errorf("getbit requires integral arguments, not %s and %s", quoteType(args[0]), quoteType(args[1]))
			}
			return []types.DataType{nil, types.Integer}, nil
		},
		Result: returns(types.Byte),
		kernel: func(c *callArgs) (arrow.Array, error) {
			width := int32(64)
			switch c.types[0].(type) {
			case types.ByteType:
				width = 8
			case types.ShortType:
				width = 16
			case types.IntegerType, types.NullType:
				width = 32
			}
			r, err := intReader(c.args[0])
			if isNullT(c.types[0]) {
				r, err = func(int) int64 { return 0 }, nil
			}
			if err != nil {
				return nil, err
			}
			pos := values[int32](c.args[1])
			o := newFixedOut[int8](c.mem, c.n, validityOf(c.mem, c.n, c.args...))
			for i := range o.vals {
				if !o.valid.get(i) {
					continue
				}
				if pos[i] < 0 || pos[i] >= width {
					o.buf.Release()
					o.valid.buf.Release()
					return nil, &AnalysisError{Class: "INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE", kind: ErrInvalidArgument,
						Message: fmt.Sprintf("The value of parameter(s) `pos` in `getbit` is invalid: Expects a value in [0, %d), but got %d.", width, pos[i])}
				}
				o.vals[i] = int8(r(i) >> pos[i] & 1)
			}
			return o.finish(arrow.PrimitiveTypes.Int8), nil
		}})
}
