package ingot

import (
	"fmt"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// Column is an expression over the columns of a DataFrame, built with Col,
// Lit and the functions of this package, as pyspark.sql.Column is. Columns
// are values: every method returns a new Column.
type Column struct {
	e   expr.Expr
	err error // a construction error (bad type name), reported at analysis
}

func wrap(e expr.Expr) Column { return Column{e: e} }

// Err reports an error made while building the column (a bad type name in
// CastTo, say); DataFrame methods given such a column fail with it.
func (c Column) Err() error {
	if c.err != nil {
		return c.err
	}
	return nil
}

// String renders the column as Spark names it: "avg(heartrate)".
func (c Column) String() string {
	if c.e == nil {
		return "<nil column>"
	}
	return c.e.String()
}

// Cast converts the column to t with Spark's cast rules (non-ANSI: values
// that do not convert become NULL). A cast of a plain column keeps its name.
func (c Column) Cast(t types.DataType) Column { return wrap(&expr.Cast{Child: c.e, To: t}) }

// CastTo is Cast with a SQL type name: "int", "bigint", "decimal(10,2)". An
// unknown name makes the column fail analysis with a clear error.
func (c Column) CastTo(typeName string) Column {
	t, err := types.ParseSQLType(typeName)
	if err != nil {
		return Column{e: c.e, err: fmt.Errorf("ingot: cast to %q: %w", typeName, err)}
	}
	return c.Cast(t)
}

// As names the column's output (Spark's alias / name).
func (c Column) As(name string) Column { return wrap(&expr.Alias{Child: unalias(c.e), Name: name}) }

// Alias is As.
func (c Column) Alias(name string) Column { return c.As(name) }

func unalias(e expr.Expr) expr.Expr {
	if a, ok := e.(*expr.Alias); ok {
		return a.Child
	}
	return e
}

func (c Column) bin(op expr.BinaryOperator, other any) Column {
	out := wrap(&expr.Binary{Op: op, Left: c.e, Right: toExpr(other)})
	out.err = firstErr(c, other)
	return out
}

func firstErr(c Column, other any) error {
	if c.err != nil {
		return c.err
	}
	if o, ok := other.(Column); ok {
		return o.err
	}
	return nil
}

// Arithmetic. The operand may be a Column or a Go value (a literal).
func (c Column) Plus(o any) Column     { return c.bin(expr.OpAdd, o) }
func (c Column) Minus(o any) Column    { return c.bin(expr.OpSub, o) }
func (c Column) Multiply(o any) Column { return c.bin(expr.OpMul, o) }
func (c Column) Divide(o any) Column   { return c.bin(expr.OpDiv, o) }
func (c Column) Mod(o any) Column      { return c.bin(expr.OpMod, o) }

// Comparisons.
func (c Column) EqualTo(o any) Column    { return c.bin(expr.OpEq, o) }
func (c Column) Eq(o any) Column         { return c.bin(expr.OpEq, o) }
func (c Column) NotEqual(o any) Column   { return c.bin(expr.OpNotEq, o) }
func (c Column) Gt(o any) Column         { return c.bin(expr.OpGt, o) }
func (c Column) Geq(o any) Column        { return c.bin(expr.OpGtEq, o) }
func (c Column) Lt(o any) Column         { return c.bin(expr.OpLt, o) }
func (c Column) Leq(o any) Column        { return c.bin(expr.OpLtEq, o) }
func (c Column) EqNullSafe(o any) Column { return c.bin(expr.OpNullSafe, o) }
func (c Column) And(o Column) Column     { return c.bin(expr.OpAnd, o) }
func (c Column) Or(o Column) Column      { return c.bin(expr.OpOr, o) }
func (c Column) Not() Column             { return wrap(&expr.Unary{Op: expr.OpNot, Child: c.e}) }
func (c Column) Negate() Column          { return wrap(&expr.Unary{Op: expr.OpNeg, Child: c.e}) }
func (c Column) IsNull() Column          { return wrap(&expr.Unary{Op: expr.OpIsNull, Child: c.e}) }
func (c Column) IsNotNull() Column       { return wrap(&expr.Unary{Op: expr.OpIsNotNull, Child: c.e}) }
func (c Column) Like(pattern string) Column {
	return wrap(&expr.Like{Child: c.e, Pattern: expr.Lit(pattern)})
}

// Between is lower <= c AND c <= upper.
func (c Column) Between(lower, upper any) Column {
	return c.Geq(lower).And(c.Leq(upper))
}

// IsIn is c IN (values...).
func (c Column) IsIn(values ...any) Column {
	list := make([]expr.Expr, len(values))
	for i, v := range values {
		list[i] = toExpr(v)
	}
	return wrap(&expr.In{Child: c.e, List: list})
}

// Asc and Desc make sort orders with Spark's default null placement (nulls
// first ascending, last descending).
func (c Column) Asc() Column  { return wrap(&expr.SortOrder{Child: c.e, NullsFirst: true}) }
func (c Column) Desc() Column { return wrap(&expr.SortOrder{Child: c.e, Desc: true}) }

// AscNullsLast and DescNullsFirst override the null placement.
func (c Column) AscNullsLast() Column { return wrap(&expr.SortOrder{Child: c.e}) }
func (c Column) DescNullsFirst() Column {
	return wrap(&expr.SortOrder{Child: c.e, Desc: true, NullsFirst: true})
}

// toExpr turns a Column, a column-name-free Go value, or nil into an
// expression: Go values become literals (as PySpark does for operands).
func toExpr(v any) expr.Expr {
	switch v := v.(type) {
	case Column:
		return v.e
	case expr.Expr:
		return v
	}
	return expr.Lit(v)
}
