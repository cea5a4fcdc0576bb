package ingot

import (
	"errors"
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

// errEmptyColumn is the error of the zero Column, which holds no expression.
var errEmptyColumn = errors.New("ingot: empty Column (build columns with Col, Lit, Expr or the functions)")

// derive builds a column from c and the Column operands of e. A column
// keeps the first construction error of its receiver and arguments, so a
// bad cast deep inside Col("a").CastTo("x").Alias("y").IsNull() still fails
// the DataFrame that uses it, with the original message, instead of being
// analyzed as whatever placeholder expression the bad column carries.
func (c Column) derive(e expr.Expr, args ...any) Column {
	return Column{e: e, err: firstErr(c, args...)}
}

// Err reports an error made while building the column (a bad type name in
// CastTo, unparsable SQL in Expr, the zero Column), or carried from a
// column it was built from; DataFrame methods given such a column fail
// with it.
func (c Column) Err() error {
	if c.err != nil {
		return c.err
	}
	if c.e == nil {
		return errEmptyColumn
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
func (c Column) Cast(t types.DataType) Column { return c.derive(&expr.Cast{Child: c.e, To: t}) }

// CastTo is Cast with a SQL type name: "int", "bigint", "decimal(10,2)". An
// unknown name makes the column fail analysis with a clear error.
func (c Column) CastTo(typeName string) Column {
	t, err := types.ParseSQLType(typeName)
	if err != nil {
		if c.Err() != nil {
			return c
		}
		return Column{e: c.e, err: fmt.Errorf("ingot: cast to %q: %w", typeName, err)}
	}
	return c.Cast(t)
}

// As names the column's output (Spark's alias / name).
func (c Column) As(name string) Column {
	return c.derive(&expr.Alias{Child: unalias(c.e), Name: name})
}

// Alias is As.
func (c Column) Alias(name string) Column { return c.As(name) }

func unalias(e expr.Expr) expr.Expr {
	if a, ok := e.(*expr.Alias); ok {
		return a.Child
	}
	return e
}

func (c Column) bin(op expr.BinaryOperator, other any) Column {
	o := operand(other)
	return c.derive(&expr.Binary{Op: op, Left: c.e, Right: o.e}, o)
}

// firstErr is the first construction error of c and of the Column values
// among args.
func firstErr(c Column, args ...any) error {
	if err := c.Err(); err != nil {
		return err
	}
	for _, a := range args {
		if o, ok := a.(Column); ok {
			if err := o.Err(); err != nil {
				return err
			}
		}
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
func (c Column) Not() Column             { return c.unary(expr.OpNot) }
func (c Column) Negate() Column          { return c.unary(expr.OpNeg) }
func (c Column) IsNull() Column          { return c.unary(expr.OpIsNull) }
func (c Column) IsNotNull() Column       { return c.unary(expr.OpIsNotNull) }
func (c Column) Like(pattern string) Column {
	return c.derive(&expr.Like{Child: c.e, Pattern: expr.Lit(pattern)})
}

func (c Column) unary(op expr.UnaryOperator) Column {
	return c.derive(&expr.Unary{Op: op, Child: c.e})
}

// Between is lower <= c AND c <= upper.
func (c Column) Between(lower, upper any) Column {
	return c.Geq(lower).And(c.Leq(upper))
}

// IsIn is c IN (values...).
func (c Column) IsIn(values ...any) Column {
	list := make([]expr.Expr, len(values))
	ops := make([]any, len(values))
	for i, v := range values {
		o := operand(v)
		list[i], ops[i] = o.e, o
	}
	return c.derive(&expr.In{Child: c.e, List: list}, ops...)
}

// Asc and Desc make sort orders with Spark's default null placement (nulls
// first ascending, last descending).
func (c Column) Asc() Column  { return c.derive(&expr.SortOrder{Child: unsort(c.e), NullsFirst: true}) }
func (c Column) Desc() Column { return c.derive(&expr.SortOrder{Child: unsort(c.e), Desc: true}) }

// AscNullsLast and DescNullsFirst override the null placement.
func (c Column) AscNullsLast() Column { return c.derive(&expr.SortOrder{Child: unsort(c.e)}) }
func (c Column) DescNullsFirst() Column {
	return c.derive(&expr.SortOrder{Child: unsort(c.e), Desc: true, NullsFirst: true})
}

// unsort strips a sort order, so Desc(c).Asc() sorts by c ascending rather
// than nesting one order in another.
func unsort(e expr.Expr) expr.Expr {
	if so, ok := e.(*expr.SortOrder); ok {
		return so.Child
	}
	return e
}

// operand turns a Column or a Go value into a Column: Go values become
// literals, as PySpark makes them of operands (never column names), and a
// Go value Lit cannot type becomes a column carrying that error.
func operand(v any) Column { return Lit(v) }
