package expr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/types"
)

// TypeOf derives the result type of a bound, coerced tree and whether it
// may be NULL. It does not insert casts: run Coerce first.
func TypeOf(e Expr) (types.DataType, bool, error) { return newTyper().typeOf(e) }

// typer types nodes, remembering each node's answer so that a walk which
// asks for the type of every node (Coerce, Compile) costs time linear in
// the tree's size rather than re-deriving each subtree at every ancestor.
// Nodes are never modified in place, so a node's type cannot go stale.
type typer struct {
	memo map[Expr]typed
}

type typed struct {
	t        types.DataType
	nullable bool
	err      error
}

func newTyper() *typer { return &typer{memo: make(map[Expr]typed)} }

func (ty *typer) typeOf(e Expr) (types.DataType, bool, error) {
	if e == nil {
		return ty.typeOfNode(e)
	}
	if r, ok := ty.memo[e]; ok {
		return r.t, r.nullable, r.err
	}
	t, n, err := ty.typeOfNode(e)
	ty.memo[e] = typed{t, n, err}
	return t, n, err
}

func (ty *typer) typeOfNode(e Expr) (types.DataType, bool, error) {
	switch e := e.(type) {
	case *BoundRef:
		return e.Type, e.Nullable, nil
	case *Literal:
		return e.Type, e.Value == nil, nil
	case *Alias:
		return ty.typeOf(e.Child)
	case *SortOrder:
		return ty.typeOf(e.Child)
	case *Cast:
		from, n, err := ty.typeOf(e.Child)
		if err != nil {
			return nil, false, err
		}
		if !CastSupported(from, e.To) {
			return nil, false, mismatch("CAST_WITHOUT_SUGGESTION", e, "cannot cast %s to %s.", quoteType(from), quoteType(e.To))
		}
		return e.To, n || castForceNullable(from, e.To), nil
	case *Binary:
		lt, ln, err := ty.typeOf(e.Left)
		if err != nil {
			return nil, false, err
		}
		rt, rn, err := ty.typeOf(e.Right)
		if err != nil {
			return nil, false, err
		}
		switch e.Op {
		case OpAnd, OpOr:
			return types.Boolean, ln || rn, nil
		case OpEq, OpNotEq, OpLt, OpLtEq, OpGt, OpGtEq:
			return types.Boolean, ln || rn, nil
		case OpNullSafe:
			return types.Boolean, false, nil
		}
		t, err := arithResultType(e, lt, rt)
		if err != nil {
			return nil, false, err
		}
		nullable := ln || rn || e.Op == OpDiv || e.Op == OpMod || e.Op == OpIntDiv
		if _, ok := t.(decT); ok {
			nullable = true // overflow yields NULL
		}
		return t, nullable, nil
	case *Unary:
		t, n, err := ty.typeOf(e.Child)
		if err != nil {
			return nil, false, err
		}
		switch e.Op {
		case OpIsNull, OpIsNotNull:
			return types.Boolean, false, nil
		case OpNot:
			return types.Boolean, n, nil
		}
		return t, n, nil
	case *Call:
		f, ok := LookupFunction(e.Name)
		if !ok {
			return nil, false, unknownFunction(e.Name)
		}
		ts, ns, err := ty.argTypes(e.Args)
		if err != nil {
			return nil, false, err
		}
		if f.resultLits != nil {
			lits := make([]*Literal, len(e.Args))
			for i, a := range e.Args {
				lits[i] = foldLiteral(a)
			}
			return f.resultLits(ts, ns, lits)
		}
		return f.Result(ts, ns)
	case *AggCall:
		ts, _, err := ty.argTypes(e.Args)
		if err != nil {
			return nil, false, err
		}
		return AggResultType(e, ts)
	case *CaseWhen:
		var t types.DataType = types.Null
		nullable := e.Else == nil
		vals := make([]Expr, 0, len(e.Whens)+1)
		for _, w := range e.Whens {
			vals = append(vals, w.Value)
		}
		if e.Else != nil {
			vals = append(vals, e.Else)
		}
		for _, v := range vals {
			vt, vn, err := ty.typeOf(v)
			if err != nil {
				return nil, false, err
			}
			if _, isNull := t.(types.NullType); isNull {
				t = vt
			}
			nullable = nullable || vn
		}
		return t, nullable, nil
	case *In:
		nullable := false
		for _, c := range e.Children() {
			_, n, err := ty.typeOf(c)
			if err != nil {
				return nil, false, err
			}
			nullable = nullable || n
		}
		return types.Boolean, nullable, nil
	case *Like:
		_, ln, err := ty.typeOf(e.Child)
		if err != nil {
			return nil, false, err
		}
		_, pn, err := ty.typeOf(e.Pattern)
		if err != nil {
			return nil, false, err
		}
		return types.Boolean, ln || pn, nil
	case *ColumnRef, *Star:
		return nil, false, fmt.Errorf("expr: type of %s: %w", e, ErrUnbound)
	}
	return nil, false, fmt.Errorf("expr: type of %T: %w", e, ErrUnsupported)
}

func (ty *typer) argTypes(args []Expr) ([]types.DataType, []bool, error) {
	ts := make([]types.DataType, len(args))
	ns := make([]bool, len(args))
	for i, a := range args {
		t, n, err := ty.typeOf(a)
		if err != nil {
			return nil, nil, err
		}
		ts[i], ns[i] = t, n
	}
	return ts, ns, nil
}

func quoteType(t types.DataType) string { return `"` + t.SQL() + `"` }

func unknownFunction(name string) error {
	return &AnalysisError{
		Class:   "UNRESOLVED_ROUTINE",
		Message: fmt.Sprintf("Cannot resolve function `%s` on search path [`system`.`builtin`, `system`.`session`].", strings.ToLower(name)),
		kind:    ErrUnknownFunction,
	}
}

// Coerce walks a bound tree bottom-up and inserts the implicit casts Spark's
// type coercion rules would (non-ANSI): numeric widening, string operands
// of arithmetic as DOUBLE, strings compared with numbers or dates cast to
// the other side, decimal operands widened, branches of CASE/IF/COALESCE
// brought to a common type. Impossible combinations are analysis errors.
func Coerce(e Expr) (Expr, error) {
	return Transform(e, newTyper().coerceNode)
}

func implicitCast(e Expr, from, to types.DataType) Expr {
	if types.Equal(from, to) {
		return e
	}
	if l, ok := e.(*Literal); ok && l.Value == nil {
		return &Literal{Type: to}
	}
	return &Cast{Child: e, To: to, Implicit: true}
}

func (ty *typer) coerceNode(e Expr) (Expr, error) {
	switch n := e.(type) {
	case *Binary:
		return ty.coerceBinary(n)
	case *Unary:
		t, _, err := ty.typeOf(n.Child)
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case OpNot:
			c, err := toBoolean(n, n.Child, t)
			if err != nil {
				return nil, err
			}
			return &Unary{Op: n.Op, Child: c}, nil
		case OpBitNot:
			switch {
			case isNullT(t):
				return &Unary{Op: n.Op, Child: implicitCast(n.Child, t, types.Integer)}, nil
			case !types.IsIntegral(t):
				return nil, mismatch("UNEXPECTED_INPUT_TYPE", n, "Parameter 1 requires the \"INTEGRAL\" type, however %q has the type %s.", n.Child.String(), quoteType(t))
			}
		case OpNeg:
			switch {
			case isString(t) || isNullT(t):
				return &Unary{Op: n.Op, Child: implicitCast(n.Child, t, types.Double)}, nil
			case !types.IsNumeric(t):
				return nil, mismatch("UNEXPECTED_INPUT_TYPE", n, "Parameter 1 requires the \"NUMERIC\" type, however %q has the type %s.", n.Child.String(), quoteType(t))
			}
		}
		return n, nil
	case *Call:
		f, ok := LookupFunction(n.Name)
		if !ok {
			return nil, unknownFunction(n.Name)
		}
		if len(n.Args) < f.MinArgs || (f.MaxArgs >= 0 && len(n.Args) > f.MaxArgs) {
			return nil, &AnalysisError{Class: "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
				Message: fmt.Sprintf("The `%s` requires %s parameters but the actual number is %d.", f.Name, argCountText(f), len(n.Args)),
				kind:    ErrWrongArgs}
		}
		ts, _, err := ty.argTypes(n.Args)
		if err != nil {
			return nil, err
		}
		if f.Coerce == nil {
			return n, nil
		}
		want, err := f.Coerce(ts)
		if err != nil {
			return nil, mismatch("UNEXPECTED_INPUT_TYPE", n, "%v", err)
		}
		args := make([]Expr, len(n.Args))
		for i, a := range n.Args {
			args[i] = a
			if i < len(want) && want[i] != nil {
				args[i] = implicitCast(a, ts[i], want[i])
			}
		}
		return &Call{Name: n.Name, Args: args}, nil
	case *AggCall:
		return ty.coerceAgg(n)
	case *CaseWhen:
		out := &CaseWhen{Whens: make([]When, len(n.Whens))}
		vals := make([]Expr, 0, len(n.Whens)+1)
		for i, w := range n.Whens {
			ct, _, err := ty.typeOf(w.Cond)
			if err != nil {
				return nil, err
			}
			c, err := toBoolean(n, w.Cond, ct)
			if err != nil {
				return nil, err
			}
			out.Whens[i].Cond = c
			vals = append(vals, w.Value)
		}
		if n.Else != nil {
			vals = append(vals, n.Else)
		}
		vals, err := ty.toCommonType(n, vals)
		if err != nil {
			return nil, err
		}
		for i := range out.Whens {
			out.Whens[i].Value = vals[i]
		}
		if n.Else != nil {
			out.Else = vals[len(vals)-1]
		}
		return out, nil
	case *In:
		all, err := ty.toComparable(n, append([]Expr{n.Child}, n.List...))
		if err != nil {
			return nil, err
		}
		return &In{Child: all[0], List: all[1:], Not: n.Not}, nil
	case *Like:
		lt, _, err := ty.typeOf(n.Child)
		if err != nil {
			return nil, err
		}
		pt, _, err := ty.typeOf(n.Pattern)
		if err != nil {
			return nil, err
		}
		for _, t := range []types.DataType{lt, pt} {
			if !isString(t) && !isNullT(t) && !types.IsNumeric(t) {
				return nil, mismatch("UNEXPECTED_INPUT_TYPE", n, "LIKE requires \"STRING\" operands, not %s.", quoteType(t))
			}
		}
		return &Like{Child: implicitCast(n.Child, lt, types.String), Pattern: implicitCast(n.Pattern, pt, types.String), Not: n.Not}, nil
	case *Cast:
		from, _, err := ty.typeOf(n.Child)
		if err != nil {
			return nil, err
		}
		if !CastSupported(from, n.To) {
			return nil, mismatch("CAST_WITHOUT_SUGGESTION", n, "cannot cast %s to %s.", quoteType(from), quoteType(n.To))
		}
	case *ColumnRef, *Star:
		return nil, fmt.Errorf("expr: coerce %s: %w", e, ErrUnbound)
	}
	return e, nil
}

func argCountText(f FunctionInfo) string {
	switch {
	case f.MaxArgs < 0:
		return fmt.Sprintf("at least %d", f.MinArgs)
	case f.MinArgs == f.MaxArgs:
		return fmt.Sprint(f.MinArgs)
	}
	return fmt.Sprintf("[%d, %d]", f.MinArgs, f.MaxArgs)
}

func toBoolean(parent, e Expr, t types.DataType) (Expr, error) {
	switch t.(type) {
	case types.BooleanType:
		return e, nil
	case types.NullType, types.StringType:
		return implicitCast(e, t, types.Boolean), nil
	}
	return nil, mismatch("UNEXPECTED_INPUT_TYPE", parent, "%q has the type %s, but \"BOOLEAN\" is required.", e.String(), quoteType(t))
}

func (ty *typer) coerceBinary(n *Binary) (Expr, error) {
	lt, _, err := ty.typeOf(n.Left)
	if err != nil {
		return nil, err
	}
	rt, _, err := ty.typeOf(n.Right)
	if err != nil {
		return nil, err
	}
	switch n.Op {
	case OpAnd, OpOr:
		l, err := toBoolean(n, n.Left, lt)
		if err != nil {
			return nil, err
		}
		r, err := toBoolean(n, n.Right, rt)
		if err != nil {
			return nil, err
		}
		return &Binary{Op: n.Op, Left: l, Right: r}, nil
	case OpEq, OpNotEq, OpLt, OpLtEq, OpGt, OpGtEq, OpNullSafe:
		t, ok := comparisonType(lt, rt)
		if !ok {
			return nil, mismatch("BINARY_OP_DIFF_TYPES", n, "the left and right operands of the binary operator have incompatible types (%s and %s).", quoteType(lt), quoteType(rt))
		}
		if !orderable(t) {
			return nil, mismatch("INVALID_ORDERING_TYPE", n, "the %s does not support ordering on type %s.", n.Op, quoteType(t))
		}
		return &Binary{Op: n.Op, Left: implicitCast(n.Left, lt, t), Right: implicitCast(n.Right, rt, t)}, nil
	}
	if isBitwise(n.Op) {
		return ty.coerceBitwise(n, lt, rt)
	}
	// Arithmetic. Strings (and untyped NULLs) count as DOUBLE, as in Spark's
	// non-ANSI PromoteStrings rule.
	ol, or := lt, rt
	// An untyped NULL takes the other side's numeric type.
	if isNullT(lt) && types.IsNumeric(rt) {
		lt = rt
	}
	if isNullT(rt) && types.IsNumeric(lt) {
		rt = lt
	}
	if isString(lt) || isNullT(lt) {
		lt = types.Double
	}
	if isString(rt) || isNullT(rt) {
		rt = types.Double
	}
	if !types.IsNumeric(lt) || !types.IsNumeric(rt) {
		if types.Equal(lt, rt) {
			return nil, mismatch("BINARY_OP_WRONG_TYPE", n, "the binary operator requires the input type \"NUMERIC\", not %s.", quoteType(lt))
		}
		return nil, mismatch("BINARY_OP_DIFF_TYPES", n, "the left and right operands of the binary operator have incompatible types (%s and %s).", quoteType(ol), quoteType(or))
	}
	ld, lDec := lt.(decT)
	rd, rDec := rt.(decT)
	var target types.DataType
	switch {
	case lDec && rDec:
		return &Binary{Op: n.Op, Left: implicitCast(n.Left, ol, ld), Right: implicitCast(n.Right, or, rd)}, nil
	case lDec && types.IsIntegral(rt):
		return &Binary{Op: n.Op, Left: implicitCast(n.Left, ol, ld), Right: implicitCast(n.Right, or, operandDecimal(n.Right, rt))}, nil
	case rDec && types.IsIntegral(lt):
		return &Binary{Op: n.Op, Left: implicitCast(n.Left, ol, operandDecimal(n.Left, lt)), Right: implicitCast(n.Right, or, rd)}, nil
	case lDec || rDec:
		target = types.Double
	default:
		target, _ = widerNumeric(lt, rt)
	}
	switch n.Op {
	case OpDiv:
		target = types.Double
	case OpIntDiv:
		target = types.Long
	}
	return &Binary{Op: n.Op, Left: implicitCast(n.Left, ol, target), Right: implicitCast(n.Right, or, target)}, nil
}

func isBitwise(op BinaryOperator) bool { return op == OpBitAnd || op == OpBitOr || op == OpBitXor }

// coerceBitwise brings two integral operands to the wider one (an untyped
// NULL takes the other side's type); anything else is an error, as
// Spark's bitwise operators take only integral types.
func (ty *typer) coerceBitwise(n *Binary, lt, rt types.DataType) (Expr, error) {
	ol, or := lt, rt
	if isNullT(lt) {
		lt = rt
	}
	if isNullT(rt) {
		rt = lt
	}
	if isNullT(lt) {
		lt, rt = types.Integer, types.Integer
	}
	if !types.IsIntegral(lt) || !types.IsIntegral(rt) {
		if types.Equal(ol, or) {
			return nil, mismatch("BINARY_OP_WRONG_TYPE", n, "the binary operator requires the input type \"INTEGRAL\", not %s.", quoteType(lt))
		}
		return nil, mismatch("BINARY_OP_DIFF_TYPES", n, "the left and right operands of the binary operator have incompatible types (%s and %s).", quoteType(ol), quoteType(or))
	}
	t, _ := widerNumeric(lt, rt)
	return &Binary{Op: n.Op, Left: implicitCast(n.Left, ol, t), Right: implicitCast(n.Right, or, t)}, nil
}

// arithResultType is the type of an arithmetic Binary whose operands Coerce
// already brought to one numeric type, or to two decimals.
func arithResultType(e *Binary, lt, rt types.DataType) (types.DataType, error) {
	ld, lDec := lt.(decT)
	rd, rDec := rt.(decT)
	if lDec && rDec {
		if e.Op == OpIntDiv {
			return types.Long, nil
		}
		return decimalResultType(e.Op, ld, rd), nil
	}
	if !types.IsNumeric(lt) || !types.Equal(lt, rt) {
		return nil, mismatch("BINARY_OP_DIFF_TYPES", e, "the left and right operands of the binary operator have incompatible types (%s and %s).", quoteType(lt), quoteType(rt))
	}
	if e.Op == OpIntDiv {
		return types.Long, nil
	}
	return lt, nil
}

// decimalResultType follows Spark's DecimalPrecision rules with
// spark.sql.decimalOperations.allowPrecisionLoss=true (the default).
func decimalResultType(op BinaryOperator, a, b decT) decT {
	p1, s1, p2, s2 := a.Precision, a.Scale, b.Precision, b.Scale
	var p, s int
	switch op {
	case OpAdd, OpSub:
		s = max(s1, s2)
		p = max(p1-s1, p2-s2) + s + 1
	case OpMul:
		p, s = p1+p2+1, s1+s2
	case OpDiv:
		s = max(6, s1+p2+1)
		p = p1 - s1 + s2 + s
	case OpMod:
		s = max(s1, s2)
		p = min(p1-s1, p2-s2) + s
	}
	return adjustPrecisionScale(p, s)
}

// adjustPrecisionScale caps precision at 38, giving up fractional digits
// first but keeping at least 6 of them (Spark's adjustPrecisionScale).
func adjustPrecisionScale(p, s int) decT {
	if p <= types.MaxDecimalPrecision {
		return decT{Precision: p, Scale: s}
	}
	intDigits := p - s
	minScale := min(s, 6)
	adj := max(types.MaxDecimalPrecision-intDigits, minScale)
	return decT{Precision: types.MaxDecimalPrecision, Scale: adj}
}

func boundedDecimal(p, s int) decT {
	return decT{Precision: min(p, types.MaxDecimalPrecision), Scale: min(s, types.MaxDecimalPrecision)}
}

// operandDecimal is the decimal an integral operand of decimal arithmetic
// becomes: an integer literal only needs its own digits (Spark's
// DecimalPrecision treats literals so, keeping result types small).
func operandDecimal(e Expr, t types.DataType) decT {
	if l, ok := e.(*Literal); ok && l.Value != nil {
		v := litInt(l.Value)
		if v < 0 {
			v = -v
		}
		digits := len(strconv.FormatInt(v, 10))
		if v < 0 { // MinInt64
			digits = 19
		}
		return decT{Precision: digits}
	}
	return integralDecimal(t)
}

// integralDecimal is the decimal that holds every value of an integral type.
func integralDecimal(t types.DataType) decT {
	switch t.(type) {
	case types.ByteType:
		return decT{Precision: 3}
	case types.ShortType:
		return decT{Precision: 5}
	case types.IntegerType:
		return decT{Precision: 10}
	case types.FloatType:
		return decT{Precision: 14, Scale: 7}
	case types.DoubleType:
		return decT{Precision: 30, Scale: 15}
	}
	return decT{Precision: 20}
}

func numericRank(t types.DataType) int {
	switch t.(type) {
	case types.ByteType:
		return 1
	case types.ShortType:
		return 2
	case types.IntegerType:
		return 3
	case types.LongType:
		return 4
	case types.DecimalType:
		return 5
	case types.FloatType:
		return 6
	case types.DoubleType:
		return 7
	}
	return 0
}

// widerNumeric is Spark's findTightestCommonType/widerDecimalType for two
// numbers: the larger integral, a decimal holding both, or DOUBLE once a
// float meets a decimal.
func widerNumeric(a, b types.DataType) (types.DataType, bool) {
	if !types.IsNumeric(a) || !types.IsNumeric(b) {
		return nil, false
	}
	if types.Equal(a, b) {
		return a, true
	}
	ad, aDec := a.(decT)
	bd, bDec := b.(decT)
	switch {
	case aDec && bDec:
	case aDec && types.IsIntegral(b):
		bd, bDec = integralDecimal(b), true
	case bDec && types.IsIntegral(a):
		ad, aDec = integralDecimal(a), true
	case aDec || bDec:
		return types.Double, true
	}
	if aDec && bDec {
		s := max(ad.Scale, bd.Scale)
		r := max(ad.Precision-ad.Scale, bd.Precision-bd.Scale)
		return boundedDecimal(r+s, s), true
	}
	if _, ok := a.(types.FloatType); ok && numericRank(b) <= 4 {
		return types.Float, true // Spark widens long+float to FLOAT
	}
	if _, ok := b.(types.FloatType); ok && numericRank(a) <= 4 {
		return types.Float, true
	}
	if numericRank(a) >= numericRank(b) {
		return a, true
	}
	return b, true
}

func isString(t types.DataType) bool { _, ok := t.(types.StringType); return ok }
func isNullT(t types.DataType) bool  { _, ok := t.(types.NullType); return ok }
func isTemporal(t types.DataType) bool {
	switch t.(type) {
	case dateT, tsT, tsNTZT:
		return true
	}
	return false
}

// comparisonType is the type both sides of a comparison are cast to
// (Spark's findCommonTypeForBinaryComparison, non-ANSI): strings meet
// numbers and dates as the other side's type.
func comparisonType(a, b types.DataType) (types.DataType, bool) {
	switch {
	case types.Equal(a, b):
		return a, true
	case isNullT(a):
		return b, true
	case isNullT(b):
		return a, true
	}
	if t, ok := widerNumeric(a, b); ok {
		return t, true
	}
	_, aDate := a.(dateT)
	_, bDate := b.(dateT)
	switch {
	case aDate && isTemporal(b):
		return b, true
	case bDate && isTemporal(a):
		return a, true
	case isString(a) && isDecimal(b), isString(b) && isDecimal(a):
		// No decimal type fits every string; Spark compares as DOUBLE
		// (SPARK-22469), so '1.51' is not rounded to 1.5 = 1.5.
		return types.Double, true
	case isString(a) && isAtomic(b):
		return b, true
	case isString(b) && isAtomic(a):
		return a, true
	}
	return nil, false
}

func isDecimal(t types.DataType) bool {
	_, ok := t.(decT)
	return ok
}

func isAtomic(t types.DataType) bool {
	switch t.(type) {
	case types.ArrayType, types.MapType, types.StructType, types.NullType:
		return false
	}
	return true
}

func orderable(t types.DataType) bool {
	switch t.(type) {
	case types.ArrayType, types.MapType, types.StructType:
		return false
	}
	return true
}

// commonType is Spark's findWiderCommonType with string promotion, used
// for CASE branches, COALESCE, IF, GREATEST and friends.
func commonType(ts []types.DataType) (types.DataType, bool) {
	var out types.DataType = types.Null
	for _, t := range ts {
		switch {
		case types.Equal(out, t) || isNullT(t):
		case isNullT(out):
			out = t
		default:
			if w, ok := widerNumeric(out, t); ok {
				out = w
				continue
			}
			if isTemporal(out) && isTemporal(t) {
				out, _ = comparisonType(out, t)
				continue
			}
			if (isString(out) || isString(t)) && isAtomic(out) && isAtomic(t) &&
				!isBinaryOrBool(out) && !isBinaryOrBool(t) {
				out = types.String
				continue
			}
			return nil, false
		}
	}
	return out, true
}

func isBinaryOrBool(t types.DataType) bool {
	switch t.(type) {
	case types.BinaryType, types.BooleanType:
		return true
	}
	return false
}

func (ty *typer) toCommonType(parent Expr, es []Expr) ([]Expr, error) {
	ts, _, err := ty.argTypes(es)
	if err != nil {
		return nil, err
	}
	t, ok := commonType(ts)
	if !ok {
		names := make([]string, len(ts))
		for i, t := range ts {
			names[i] = quoteType(t)
		}
		return nil, mismatch("DATA_DIFF_TYPES", parent, "Input to %q should all be the same type, but it's [%s].", parent.String(), strings.Join(names, ", "))
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = implicitCast(e, ts[i], t)
	}
	return out, nil
}

// toComparable casts a list of values (IN) to the type they compare as.
func (ty *typer) toComparable(parent Expr, es []Expr) ([]Expr, error) {
	ts, _, err := ty.argTypes(es)
	if err != nil {
		return nil, err
	}
	t := ts[0]
	for _, u := range ts[1:] {
		c, ok := comparisonType(t, u)
		if !ok {
			return nil, mismatch("DATA_DIFF_TYPES", parent, "Input to %q should all be the same type, but got %s and %s.", "in", quoteType(t), quoteType(u))
		}
		t = c
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = implicitCast(e, ts[i], t)
	}
	return out, nil
}
