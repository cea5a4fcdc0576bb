package expr

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// compileBinary dispatches on the operator family; Coerce has already made
// both operands one type (or two decimals for arithmetic).
func (cp *compiler) compileBinary(out *compiled, e *Binary) error {
	cs, err := cp.compileAll([]Expr{e.Left, e.Right})
	if err != nil {
		return err
	}
	lt, rt := cs[0].t, cs[1].t
	var k func(mem memory.Allocator, a, b arrow.Array) (arrow.Array, error)
	switch e.Op {
	case OpAnd, OpOr:
		and := e.Op == OpAnd
		k = func(mem memory.Allocator, a, b arrow.Array) (arrow.Array, error) {
			return logicKernel(mem, and, a, b), nil
		}
	case OpEq, OpNotEq, OpLt, OpLtEq, OpGt, OpGtEq, OpNullSafe:
		cmp, err := comparer(lt)
		if err != nil {
			return fmt.Errorf("expr: compile %s: %w", e, err)
		}
		op := e.Op
		k = func(mem memory.Allocator, a, b arrow.Array) (arrow.Array, error) {
			return compareKernel(mem, op, cmp, a, b), nil
		}
	default:
		ld, lDec := lt.(decT)
		rd, rDec := rt.(decT)
		if lDec && rDec && e.Op == OpIntDiv {
			k = func(mem memory.Allocator, a, b arrow.Array) (arrow.Array, error) {
				return decimalIntDiv(mem, a, b, ld, rd), nil
			}
			break
		}
		if lDec && rDec {
			res := out.t.(decT)
			op := e.Op
			k = func(mem memory.Allocator, a, b arrow.Array) (arrow.Array, error) {
				return decimalArith(mem, op, a, b, ld, rd, res), nil
			}
			break
		}
		switch e.Op {
		case OpAdd, OpSub, OpMul, OpDiv, OpMod, OpIntDiv:
			k, err = numericArith(e.Op, lt)
		case OpBitAnd, OpBitOr, OpBitXor:
			k, err = bitwiseArith(e.Op, lt)
		default:
			err = fmt.Errorf("operator %s: %w", e.Op, ErrUnsupported)
		}
		if err != nil {
			return fmt.Errorf("expr: compile %s: %w", e, err)
		}
	}
	// Numeric and comparison kernels broadcast a constant right operand
	// (time / 1e6, x > 100); the rest get full-length arrays.
	_, isDec := lt.(decT)
	broadcast := e.Op != OpAnd && e.Op != OpOr && !isDec
	out.f = func(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
		l, err := cs[0].f(ctx, mem, b)
		if err != nil {
			return nil, err
		}
		defer l.Release()
		var r arrow.Array
		if broadcast {
			r, err = evalOrConstant(ctx, mem, b, cs[1])
		} else {
			r, err = cs[1].f(ctx, mem, b)
		}
		if err != nil {
			return nil, err
		}
		defer r.Release()
		return k(mem, l, r)
	}
	return nil
}

// scalarOf reports whether b is a one-row constant to broadcast over a.
func scalarOf(a, b arrow.Array) bool { return b.Len() == 1 && a.Len() != 1 }

func numericArith(op BinaryOperator, t types.DataType) (func(memory.Allocator, arrow.Array, arrow.Array) (arrow.Array, error), error) {
	at := types.ToArrow(t)
	switch t.(type) {
	case types.ByteType:
		return arithKernel[int8](op, at), nil
	case types.ShortType:
		return arithKernel[int16](op, at), nil
	case types.IntegerType:
		return arithKernel[int32](op, at), nil
	case types.LongType:
		return arithKernel[int64](op, at), nil
	case types.FloatType:
		return arithKernel[float32](op, at), nil
	case types.DoubleType:
		return arithKernel[float64](op, at), nil
	}
	return nil, fmt.Errorf("arithmetic on %s: %w", t.SQL(), ErrUnsupported)
}

func arithKernel[T physical](op BinaryOperator, at arrow.DataType) func(memory.Allocator, arrow.Array, arrow.Array) (arrow.Array, error) {
	return func(mem memory.Allocator, a, b arrow.Array) (arrow.Array, error) {
		return arith[T](mem, op, at, a, b), nil
	}
}

// arith is one kernel for integers and floats: integers wrap on overflow
// like Spark's non-ANSI mode (and Java), and a zero divisor yields NULL for
// both (Spark returns NULL even for doubles, where Go would give Inf/NaN).
func arith[T physical](mem memory.Allocator, op BinaryOperator, at arrow.DataType, a, b arrow.Array) arrow.Array {
	n := a.Len()
	av, bv := values[T](a), values[T](b)
	o := newFixedOut[T](mem, n, validityOf(mem, n, a, b))
	if scalarOf(a, b) {
		arithScalar(op, av, bv[0], o.vals, o.valid)
		return o.finish(at)
	}
	r := o.vals
	switch op {
	case OpAdd:
		for i := range r {
			r[i] = av[i] + bv[i]
		}
	case OpSub:
		for i := range r {
			r[i] = av[i] - bv[i]
		}
	case OpMul:
		for i := range r {
			r[i] = av[i] * bv[i]
		}
	case OpDiv, OpIntDiv: // OpIntDiv operands are BIGINT: Go's / truncates
		for i := range r {
			if bv[i] == 0 {
				o.valid.clear(i)
				continue
			}
			r[i] = av[i] / bv[i]
		}
	case OpMod:
		for i := range r {
			if bv[i] == 0 {
				o.valid.clear(i)
				continue
			}
			if isFloat[T]() { // folds to a constant, as in arithScalar
				r[i] = floatRem(av[i], bv[i])
			} else {
				r[i] = av[i] - (av[i]/bv[i])*bv[i]
			}
		}
	}
	return o.finish(at)
}

// arithScalar is the broadcast loop for a constant right operand.
func arithScalar[T physical](op BinaryOperator, av []T, y T, r []T, valid bitmap) {
	switch op {
	case OpAdd:
		for i := range r {
			r[i] = av[i] + y
		}
	case OpSub:
		for i := range r {
			r[i] = av[i] - y
		}
	case OpMul:
		for i := range r {
			r[i] = av[i] * y
		}
	case OpDiv, OpMod, OpIntDiv:
		if y == 0 {
			for i := range valid.bits {
				valid.bits[i] = 0
			}
			return
		}
		if op != OpMod {
			for i := range r {
				r[i] = av[i] / y
			}
			return
		}
		for i := range r {
			// isFloat folds to a constant in each instantiation: integers
			// get Java's truncated % inline, with no test per row.
			if isFloat[T]() {
				r[i] = floatRem(av[i], y)
			} else {
				r[i] = av[i] - (av[i]/y)*y
			}
		}
	}
}

// isFloat reports whether T is a floating-point type: only there does one
// half not truncate to zero.
func isFloat[T physical]() bool { return T(1)/2 != 0 }

// floatRem is Java's % on floating point: truncated, with the sign of the
// dividend (math.Mod's definition).
func floatRem[T physical](x, y T) T { return T(math.Mod(float64(x), float64(y))) }

func decValues(a arrow.Array) []decimal128.Num {
	return a.(*array.Decimal128).Values()
}

var bigTen = big.NewInt(10)

func pow10(n int) *big.Int { return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil) }

func decRat(n decimal128.Num, scale int) *big.Rat {
	return new(big.Rat).SetFrac(n.BigInt(), pow10(scale))
}

// roundRat rounds r to scale fractional digits, HALF_UP (ties away from
// zero, as java.math.BigDecimal), returning the unscaled value.
func roundRat(r *big.Rat, scale int) *big.Int {
	num := new(big.Int).Mul(r.Num(), pow10(scale))
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	m.Abs(m).Lsh(m, 1)
	if m.Cmp(r.Denom()) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// fitsDecimal converts an unscaled value to decimal128 if it has at most
// prec digits.
func fitsDecimal(v *big.Int, prec int) (decimal128.Num, bool) {
	if new(big.Int).Abs(v).Cmp(pow10(prec)) >= 0 {
		return decimal128.Num{}, false
	}
	return decimal128.FromBigInt(v), true
}

// decimalArith evaluates exactly in rationals and rounds once to the
// result scale; a result that does not fit the result precision is NULL
// (Spark's non-ANSI CheckOverflow). Decimal columns are rare on the hot
// paths of the workloads we run, so clarity beats a 128-bit fast path here.
func decimalArith(mem memory.Allocator, op BinaryOperator, a, b arrow.Array, lt, rt, res decT) arrow.Array {
	n := a.Len()
	av, bv := decValues(a), decValues(b)
	bld := array.NewDecimal128Builder(mem, types.ToArrow(res).(*arrow.Decimal128Type))
	defer bld.Release()
	bld.Reserve(n)
	for i := 0; i < n; i++ {
		if a.IsNull(i) || b.IsNull(i) {
			bld.AppendNull()
			continue
		}
		x, y := decRat(av[i], lt.Scale), decRat(bv[i], rt.Scale)
		var r *big.Rat
		switch op {
		case OpAdd:
			r = new(big.Rat).Add(x, y)
		case OpSub:
			r = new(big.Rat).Sub(x, y)
		case OpMul:
			r = new(big.Rat).Mul(x, y)
		default: // OpDiv, OpMod; Coerce admits no other operator here
			if y.Sign() == 0 {
				bld.AppendNull()
				continue
			}
			r = new(big.Rat).Quo(x, y)
			if op == OpMod {
				q := new(big.Int).Quo(r.Num(), r.Denom()) // truncated
				r = new(big.Rat).Sub(x, new(big.Rat).Mul(new(big.Rat).SetInt(q), y))
			}
		}
		v, ok := fitsDecimal(roundRat(r, res.Scale), res.Precision)
		if !ok {
			bld.AppendNull()
			continue
		}
		bld.Append(v)
	}
	return bld.NewArray()
}

// decimalIntDiv is a DIV b on decimals: the quotient truncated toward zero
// as BIGINT, NULL for a zero divisor. A quotient beyond BIGINT keeps its
// low 64 bits, as Java's BigInteger.longValue (Spark's Decimal.toLong).
func decimalIntDiv(mem memory.Allocator, a, b arrow.Array, lt, rt decT) arrow.Array {
	n := a.Len()
	av, bv := decValues(a), decValues(b)
	bld := array.NewInt64Builder(mem)
	defer bld.Release()
	bld.Reserve(n)
	// x/10^ls ÷ y/10^rs = (x·10^rs) ÷ (y·10^ls), all integers.
	lm, rm := pow10(rt.Scale), pow10(lt.Scale)
	mask := new(big.Int).SetUint64(math.MaxUint64)
	for i := 0; i < n; i++ {
		if a.IsNull(i) || b.IsNull(i) || bv[i] == (decimal128.Num{}) {
			bld.AppendNull()
			continue
		}
		x := new(big.Int).Mul(av[i].BigInt(), lm)
		y := new(big.Int).Mul(bv[i].BigInt(), rm)
		q := x.Quo(x, y)
		bld.Append(int64(new(big.Int).And(q, mask).Uint64()))
	}
	return bld.NewArray()
}

func (cp *compiler) compileUnary(out *compiled, e *Unary) error {
	c, err := cp.compile(e.Child)
	if err != nil {
		return err
	}
	var k func(mem memory.Allocator, a arrow.Array) (arrow.Array, error)
	switch e.Op {
	case OpIsNull, OpIsNotNull:
		want := e.Op == OpIsNotNull
		k = func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			n := a.Len()
			v := validityOf(mem, n, a)
			if !want {
				for i := range v.bits {
					v.bits[i] = ^v.bits[i]
				}
			}
			return boolOut(n, v, newBitmap(mem, n, true)), nil
		}
	case OpNot:
		k = func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			n := a.Len()
			vals := newBitmap(mem, n, false)
			ba := a.(*array.Boolean)
			for i := 0; i < n; i++ {
				vals.setTo(i, !ba.Value(i))
			}
			return boolOut(n, vals, validityOf(mem, n, a)), nil
		}
	case OpNeg:
		at := types.ToArrow(c.t)
		switch c.t.(type) {
		case types.ByteType:
			k = negK[int8](at)
		case types.ShortType:
			k = negK[int16](at)
		case types.IntegerType:
			k = negK[int32](at)
		case types.LongType:
			k = negK[int64](at)
		case types.FloatType:
			k = negK[float32](at)
		case types.DoubleType:
			k = negK[float64](at)
		case decT:
			k = func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
				bld := array.NewDecimal128Builder(mem, at.(*arrow.Decimal128Type))
				defer bld.Release()
				vs := decValues(a)
				for i := range vs {
					if a.IsNull(i) {
						bld.AppendNull()
					} else {
						bld.Append(vs[i].Negate())
					}
				}
				return bld.NewArray(), nil
			}
		default:
			return fmt.Errorf("expr: compile %s: negate %s: %w", e, c.t.SQL(), ErrUnsupported)
		}
	case OpBitNot:
		at := types.ToArrow(c.t)
		switch c.t.(type) {
		case types.ByteType:
			k = bitNotK[int8](at)
		case types.ShortType:
			k = bitNotK[int16](at)
		case types.IntegerType:
			k = bitNotK[int32](at)
		case types.LongType:
			k = bitNotK[int64](at)
		default:
			return fmt.Errorf("expr: compile %s: ~ of %s: %w", e, c.t.SQL(), ErrUnsupported)
		}
	default:
		return fmt.Errorf("expr: compile %s: operator %s: %w", e, e.Op, ErrUnsupported)
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

func negK[T physical](at arrow.DataType) func(memory.Allocator, arrow.Array) (arrow.Array, error) {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		av := values[T](a)
		o := newFixedOut[T](mem, len(av), validityOf(mem, len(av), a))
		for i := range av {
			o.vals[i] = -av[i]
		}
		return o.finish(at), nil
	}
}

type integer interface{ int8 | int16 | int32 | int64 }

func bitwiseArith(op BinaryOperator, t types.DataType) (func(memory.Allocator, arrow.Array, arrow.Array) (arrow.Array, error), error) {
	at := types.ToArrow(t)
	switch t.(type) {
	case types.ByteType:
		return bitK[int8](op, at), nil
	case types.ShortType:
		return bitK[int16](op, at), nil
	case types.IntegerType:
		return bitK[int32](op, at), nil
	case types.LongType:
		return bitK[int64](op, at), nil
	}
	return nil, fmt.Errorf("bitwise %s on %s: %w", op, t.SQL(), ErrUnsupported)
}

// bitK applies &, | or ^; a one-row right operand is broadcast.
func bitK[T integer](op BinaryOperator, at arrow.DataType) func(memory.Allocator, arrow.Array, arrow.Array) (arrow.Array, error) {
	return func(mem memory.Allocator, a, b arrow.Array) (arrow.Array, error) {
		n := a.Len()
		av, bv := values[T](a), values[T](b)
		o := newFixedOut[T](mem, n, validityOf(mem, n, a, b))
		y := func(i int) T { return bv[i] }
		if scalarOf(a, b) {
			c := bv[0]
			y = func(int) T { return c }
		}
		for i := range o.vals {
			switch op {
			case OpBitAnd:
				o.vals[i] = av[i] & y(i)
			case OpBitOr:
				o.vals[i] = av[i] | y(i)
			default:
				o.vals[i] = av[i] ^ y(i)
			}
		}
		return o.finish(at), nil
	}
}

func bitNotK[T integer](at arrow.DataType) func(memory.Allocator, arrow.Array) (arrow.Array, error) {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		av := values[T](a)
		o := newFixedOut[T](mem, len(av), validityOf(mem, len(av), a))
		for i, v := range av {
			o.vals[i] = ^v
		}
		return o.finish(at), nil
	}
}
