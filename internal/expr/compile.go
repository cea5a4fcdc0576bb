package expr

import (
	"context"
	"fmt"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// evalFunc computes one node over a batch; mem is the allocator from ctx.
type evalFunc func(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error)

// compiled is the Evaluator of every node: a typed closure over the
// compiled children.
type compiled struct {
	t        types.DataType
	nullable bool
	f        evalFunc
	// constant is the one-row value of a constant subtree (a literal, or a
	// cast of one), computed at compile time so that kernels can broadcast
	// it instead of materializing a full-length array per batch. It lives
	// on Go's heap and is never released.
	constant arrow.Array
}

func (c *compiled) Eval(ctx context.Context, b arrow.RecordBatch) (arrow.Array, error) {
	return c.f(ctx, allocator(ctx), b)
}
func (c *compiled) Type() types.DataType { return c.t }
func (c *compiled) Nullable() bool       { return c.nullable }

// Compile turns a bound, coerced tree into a vectorized Evaluator. Arrays
// are allocated from the allocator set with WithAllocator on the ctx
// passed to Eval.
func Compile(e Expr) (Evaluator, error) {
	cp := &compiler{ty: newTyper(), done: make(map[Expr]*compiled)}
	c, err := cp.compile(e)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// compiler compiles one tree. Each node is typed and compiled once
// (compiled closures are immutable, so a node reached twice shares one),
// keeping compilation linear in the size of the tree.
type compiler struct {
	ty   *typer
	done map[Expr]*compiled
}

func (cp *compiler) compile(e Expr) (*compiled, error) {
	if c, ok := cp.done[e]; ok && e != nil {
		return c, nil
	}
	c, err := cp.compileNode(e)
	if err == nil && e != nil {
		cp.done[e] = c
	}
	return c, err
}

func (cp *compiler) compileNode(e Expr) (*compiled, error) {
	t, nullable, err := cp.ty.typeOf(e)
	if err != nil {
		return nil, err
	}
	out := &compiled{t: t, nullable: nullable}
	switch e := e.(type) {
	case *BoundRef:
		idx := e.Index
		want := types.ToArrow(e.Type)
		out.f = func(_ context.Context, _ memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
			if idx < 0 || idx >= int(b.NumCols()) {
				return nil, fmt.Errorf("expr: column %d (%s) out of range of a %d-column batch", idx, e.Name, b.NumCols())
			}
			col := b.Column(idx)
			// Kernels read buffers by type; a batch that disagrees with the
			// bound type (say a dictionary or large_string column) must be an
			// error here, not a bad read later.
			if got := col.DataType(); got.ID() != want.ID() {
				return nil, fmt.Errorf("expr: column %d (%s) holds %s, but was bound as %s", idx, e.Name, got, e.Type.SQL())
			}
			col.Retain()
			return col, nil
		}
	case *Literal:
		lit := e
		if c, err := constArray(memory.DefaultAllocator, lit, 1); err == nil {
			out.constant = c
		}
		out.f = func(_ context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
			return constArray(mem, lit, int(b.NumRows()))
		}
	case *Alias:
		return cp.compile(e.Child)
	case *SortOrder:
		return cp.compile(e.Child)
	case *Cast:
		err = cp.compileCast(out, e)
		if err == nil {
			out.constant = cp.castConstant(e)
		}
	case *Binary:
		err = cp.compileBinary(out, e)
	case *Unary:
		err = cp.compileUnary(out, e)
	case *Call:
		err = cp.compileCall(out, e)
	case *CaseWhen:
		err = cp.compileCaseWhen(out, e)
	case *In:
		err = cp.compileIn(out, e)
	case *Like:
		err = cp.compileLike(out, e)
	case *AggCall:
		return nil, fmt.Errorf("expr: compile %s: aggregate outside an aggregation: %w", e, ErrUnsupported)
	default:
		return nil, fmt.Errorf("expr: compile %T: %w", e, ErrUnsupported)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (cp *compiler) compileAll(es []Expr) ([]*compiled, error) {
	out := make([]*compiled, len(es))
	for i, e := range es {
		c, err := cp.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// evalAll evaluates children, releasing what was computed on failure.
func evalAll(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch, cs []*compiled) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(cs))
	for i, c := range cs {
		a, err := c.f(ctx, mem, b)
		if err != nil {
			releaseAll(out[:i])
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// constArray materializes a literal as a full-length array.
func constArray(mem memory.Allocator, l *Literal, n int) (arrow.Array, error) {
	at := types.ToArrow(l.Type)
	if l.Value == nil {
		return array.MakeArrayOfNull(mem, at, n), nil
	}
	valid := newBitmap(mem, n, true)
	switch l.Type.(type) {
	case types.ByteType:
		return fillConst[int8](mem, at, n, valid, int8(litInt(l.Value))), nil
	case types.ShortType:
		return fillConst[int16](mem, at, n, valid, int16(litInt(l.Value))), nil
	case types.IntegerType, types.DateType:
		return fillConst[int32](mem, at, n, valid, int32(litInt(l.Value))), nil
	case types.LongType, types.TimestampType, types.TimestampNTZType:
		return fillConst[int64](mem, at, n, valid, litInt(l.Value)), nil
	case types.FloatType:
		return fillConst[float32](mem, at, n, valid, float32(litFloat(l.Value))), nil
	case types.DoubleType:
		return fillConst[float64](mem, at, n, valid, litFloat(l.Value)), nil
	}
	valid.buf.Release()
	switch t := l.Type.(type) {
	case types.BooleanType:
		v, ok := l.Value.(bool)
		if !ok {
			return nil, fmt.Errorf("expr: boolean literal holds %T", l.Value)
		}
		vals := newBitmap(mem, n, v)
		return boolOut(n, vals, newBitmap(mem, n, true)), nil
	case types.StringType:
		s, ok := l.Value.(string)
		if !ok {
			return nil, fmt.Errorf("expr: string literal holds %T", l.Value)
		}
		bld := array.NewStringBuilder(mem)
		defer bld.Release()
		bld.ReserveData(len(s) * n)
		for i := 0; i < n; i++ {
			bld.Append(s)
		}
		return bld.NewArray(), nil
	case types.BinaryType:
		bld := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		defer bld.Release()
		v, _ := l.Value.([]byte)
		for i := 0; i < n; i++ {
			bld.Append(v)
		}
		return bld.NewArray(), nil
	case types.DecimalType:
		num, err := litDecimal(l.Value, t)
		if err != nil {
			return nil, err
		}
		bld := array.NewDecimal128Builder(mem, at.(*arrow.Decimal128Type))
		defer bld.Release()
		for i := 0; i < n; i++ {
			bld.Append(num)
		}
		return bld.NewArray(), nil
	}
	return nil, fmt.Errorf("expr: literal of type %s: %w", l.Type.SQL(), ErrUnsupported)
}

func fillConst[T physical](mem memory.Allocator, at arrow.DataType, n int, valid bitmap, v T) arrow.Array {
	o := newFixedOut[T](mem, n, valid)
	for i := range o.vals {
		o.vals[i] = v
	}
	return o.finish(at)
}

func litInt(v any) int64 {
	switch v := v.(type) {
	case int:
		return int64(v)
	case int8:
		return int64(v)
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	case float64:
		return int64(v)
	case float32:
		return int64(v)
	}
	return 0
}

func litFloat(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	}
	return float64(litInt(v))
}

func litDecimal(v any, t types.DecimalType) (decimal128.Num, error) {
	switch v := v.(type) {
	case Decimal:
		bi, ok := new(big.Int).SetString(v.Unscaled, 10)
		if !ok {
			return decimal128.Num{}, fmt.Errorf("expr: decimal literal %q is not a number", v.Unscaled)
		}
		num := decimal128.FromBigInt(bi)
		if v.Scale != t.Scale {
			return num.Rescale(int32(v.Scale), int32(t.Scale))
		}
		return num, nil
	case decimal128.Num:
		return v, nil
	}
	return decimal128.Num{}, fmt.Errorf("expr: decimal literal holds %T", v)
}

// castConstant folds a cast of a constant to its one-row value, or nil.
func (cp *compiler) castConstant(e *Cast) arrow.Array {
	child, err := cp.compile(e.Child)
	if err != nil || child.constant == nil {
		return nil
	}
	k, err := castKernel(child.t, e.To)
	if err != nil {
		return nil
	}
	c, err := k(memory.DefaultAllocator, child.constant)
	if err != nil {
		return nil
	}
	return c
}

// evalOrConstant evaluates c over the batch unless it is a constant, whose
// one-row array is returned (retained) for the kernel to broadcast.
func evalOrConstant(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch, c *compiled) (arrow.Array, error) {
	if c.constant != nil {
		c.constant.Retain()
		return c.constant, nil
	}
	return c.f(ctx, mem, b)
}
