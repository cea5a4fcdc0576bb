package plan

import "github.com/ingotdata/ingot/internal/expr"

// outputName is the column name Spark 3.5 gives an output expression, the
// one place this rule lives. An alias names its column; a bare column keeps
// its name. A top-level CAST of a named expression (a column or an alias)
// keeps that name too: Spark's ResolveAliases turns an unaliased
// Cast(NamedExpression) into Alias(cast, child.name), which applies to SQL's
// CAST(device_id AS INT) and to the DataFrame col("device_id").cast(...)
// alike (Column.named leaves such casts to the same rule). Anything else is
// named by its generated SQL text: "CAST((time / 1000000.0) AS TIMESTAMP)",
// "avg(heartrate)".
func outputName(e expr.Expr) string {
	switch e := e.(type) {
	case *expr.Alias:
		return e.Name
	case *expr.ColumnRef:
		return e.Name
	case *expr.BoundRef:
		return e.Name
	case *expr.Cast:
		switch c := e.Child.(type) {
		case *expr.ColumnRef, *expr.BoundRef, *expr.Alias:
			return outputName(c)
		}
	}
	return expr.OutputName(e)
}
