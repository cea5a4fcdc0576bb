package ingot

import (
	"fmt"
	"math"
	"strings"
	"time"

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

// Lit is a literal value: Go ints (INT when the value fits, else BIGINT, as
// PySpark's lit types a Python int), unsigned ints, floats, strings, bools,
// []byte, time.Time, nil. A Column is returned as it is. Any other Go type
// makes a column that fails with [UNSUPPORTED_FEATURE.LITERAL_TYPE].
func Lit(v any) Column {
	switch x := v.(type) {
	case Column:
		return x
	case int:
		return intLit(int64(x))
	case uint:
		return uintLit(uint64(x))
	case uint8:
		return intLit(int64(x))
	case uint16:
		return intLit(int64(x))
	case uint32:
		return intLit(int64(x))
	case uint64:
		return uintLit(x)
	case nil, bool, int8, int16, int32, int64, float32, float64, string, []byte, time.Time:
		return wrap(expr.Lit(v))
	}
	return Column{e: expr.Lit(nil), err: fmt.Errorf("ingot: [UNSUPPORTED_FEATURE.LITERAL_TYPE] The feature is not supported: Literal for %#v of Go type %T", v, v)}
}

func intLit(v int64) Column {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		return wrap(expr.Lit(int32(v)))
	}
	return wrap(expr.Lit(v))
}

func uintLit(v uint64) Column {
	if v > math.MaxInt64 {
		return Column{e: expr.Lit(nil), err: fmt.Errorf("ingot: [UNSUPPORTED_FEATURE.LITERAL_TYPE] The feature is not supported: Literal for %d of Go type uint64: beyond BIGINT", v)}
	}
	return intLit(int64(v))
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

// Count counts non-null values of a column; Count("*") counts rows, as does
// the count of any star (Col("*"), "p.*"), like Spark's functions.count.
func Count(c any) Column {
	if a := colArg(c); a.err == nil {
		if _, ok := a.e.(*expr.Star); ok {
			return wrap(&expr.AggCall{Name: "count", Star: true})
		}
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
