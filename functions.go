package ingot

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/sql"
)

// Col refers to a column by name: "mrn", "p.name" (qualified by a table
// alias), or "`odd.name`" (backquotes quote dots, as in Spark). "*" is every
// column and "p.*" every column of relation p, as in PySpark; a backquoted
// "`*`" is a column named *.
func Col(name string) Column {
	if name == "*" {
		return wrap(&expr.Star{})
	}
	if q, ok := strings.CutSuffix(name, ".*"); ok {
		parts, err := splitIdent(q)
		if err != nil {
			return Column{e: &expr.Star{Qualifier: q}, err: err}
		}
		return wrap(&expr.Star{Qualifier: strings.Join(parts, ".")})
	}
	parts, err := splitIdent(name)
	switch {
	case err != nil:
		return Column{e: &expr.ColumnRef{Name: name}, err: err}
	case len(parts) == 1:
		return wrap(&expr.ColumnRef{Name: parts[0]})
	default:
		last := len(parts) - 1
		return wrap(&expr.ColumnRef{Qualifier: strings.Join(parts[:last], "."), Name: parts[last]})
	}
}

// Lit is a literal value: Go ints, floats, strings, bools, time.Time, nil.
func Lit(v any) Column {
	if c, ok := v.(Column); ok {
		return c
	}
	return wrap(expr.Lit(v))
}

// Expr parses a SQL expression, as pyspark.sql.functions.expr does.
func Expr(sqlText string) Column {
	e, err := sql.ParseExpr(sqlText)
	if err != nil {
		return Column{e: &expr.ColumnRef{Name: sqlText}, err: err}
	}
	return wrap(e)
}

func colArg(c any) Column {
	switch c := c.(type) {
	case Column:
		return c
	case string:
		return Col(c)
	}
	return Lit(c)
}

func agg(name string, c any, distinct bool) Column {
	a := colArg(c)
	return Column{e: &expr.AggCall{Name: name, Args: []expr.Expr{a.e}, Distinct: distinct}, err: a.Err()}
}

func call(name string, args ...any) Column {
	es := make([]expr.Expr, len(args))
	var err error
	for i, a := range args {
		c := colArg(a)
		es[i] = c.e
		if err == nil {
			err = c.Err()
		}
	}
	return Column{e: &expr.Call{Name: name, Args: es}, err: err}
}

// Aggregate functions. The argument is a Column or a column name.
func Avg(c any) Column           { return agg("avg", c, false) }
func Mean(c any) Column          { return agg("avg", c, false) }
func Sum(c any) Column           { return agg("sum", c, false) }
func Min(c any) Column           { return agg("min", c, false) }
func Max(c any) Column           { return agg("max", c, false) }
func CountDistinct(c any) Column { return agg("count", c, true) }

// Count counts non-null values of a column; Count("*") counts rows.
func Count(c any) Column {
	if s, ok := c.(string); ok && s == "*" {
		return wrap(&expr.AggCall{Name: "count", Star: true})
	}
	return agg("count", c, false)
}

// Scalar functions.
func Ceil(c any) Column                  { return call("ceil", c) }
func Ceiling(c any) Column               { return call("ceiling", c) }
func Floor(c any) Column                 { return call("floor", c) }
func Abs(c any) Column                   { return call("abs", c) }
func Sqrt(c any) Column                  { return call("sqrt", c) }
func Round(c any, scale int) Column      { return call("round", c, Lit(int32(scale))) }
func Upper(c any) Column                 { return call("upper", c) }
func Lower(c any) Column                 { return call("lower", c) }
func Length(c any) Column                { return call("length", c) }
func Trim(c any) Column                  { return call("trim", c) }
func Year(c any) Column                  { return call("year", c) }
func Month(c any) Column                 { return call("month", c) }
func ToDate(c any) Column                { return call("to_date", c) }
func ToTimestamp(c any) Column           { return call("to_timestamp", c) }
func Substring(c any, pos, n int) Column { return call("substring", c, Lit(int32(pos)), Lit(int32(n))) }

// Coalesce returns its first non-null argument.
func Coalesce(cols ...any) Column { return call("coalesce", cols...) }

// Concat joins strings.
func Concat(cols ...any) Column { return call("concat", cols...) }

// Desc and Asc are sort orders on a column name or Column.
func Desc(c any) Column { return colArg(c).Desc() }
func Asc(c any) Column  { return colArg(c).Asc() }
