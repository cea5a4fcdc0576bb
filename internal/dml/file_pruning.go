package dml

import (
	"strings"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// candidateFiles returns the live files that may hold rows for which cond
// is true, judged by delta's data skipping (partition values and min/max/
// null-count stats) on the conjuncts of cond that compare a target column
// with a literal. Anything else keeps every file: pruning must never lose
// a row.
func candidateFiles(snap *delta.Snapshot, qualifier string, cond expr.Expr) []delta.AddFile {
	var terms []delta.Term
	for _, c := range conjuncts(cond) {
		if t, ok := termOf(snap.Schema(), qualifier, c); ok {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return snap.Files()
	}
	files, err := snap.SkipFiles(delta.Predicate{And: terms})
	if err != nil {
		return snap.Files()
	}
	return files
}

func conjuncts(e expr.Expr) []expr.Expr {
	if b, ok := e.(*expr.Binary); ok && b.Op == expr.OpAnd {
		return append(conjuncts(b.Left), conjuncts(b.Right)...)
	}
	if e == nil {
		return nil
	}
	return []expr.Expr{e}
}

var flipped = map[expr.BinaryOperator]expr.BinaryOperator{
	expr.OpEq: expr.OpEq, expr.OpNotEq: expr.OpNotEq, expr.OpLt: expr.OpGt, expr.OpLtEq: expr.OpGtEq, expr.OpGt: expr.OpLt, expr.OpGtEq: expr.OpLtEq,
}

var termOps = map[expr.BinaryOperator]delta.CompareOp{
	expr.OpEq: delta.OpEq, expr.OpNotEq: delta.OpNe, expr.OpLt: delta.OpLt, expr.OpLtEq: delta.OpLe, expr.OpGt: delta.OpGt, expr.OpGtEq: delta.OpGe,
}

// termOf turns `col op literal`, `literal op col`, `col IS [NOT] NULL`
// into a skipping term when the literal's kind matches the column's type
// (no implicit cast could change the comparison).
func termOf(schema types.StructType, qualifier string, e expr.Expr) (delta.Term, bool) {
	column := func(x expr.Expr) (types.StructField, bool) {
		c, ok := x.(*expr.ColumnRef)
		if !ok || (c.Qualifier != "" && !strings.EqualFold(c.Qualifier, qualifier)) {
			return types.StructField{}, false
		}
		i := schema.FieldIndex(c.Name)
		if i < 0 {
			return types.StructField{}, false
		}
		return schema.Fields[i], true
	}
	switch e := e.(type) {
	case *expr.Unary:
		f, ok := column(e.Child)
		if !ok {
			return delta.Term{}, false
		}
		switch e.Op {
		case expr.OpIsNull:
			return delta.Term{Column: f.Name, Op: delta.OpIsNull}, true
		case expr.OpIsNotNull:
			return delta.Term{Column: f.Name, Op: delta.OpIsNotNull}, true
		}
	case *expr.Binary:
		op, ok := termOps[e.Op]
		if !ok {
			return delta.Term{}, false
		}
		f, okc := column(e.Left)
		lit, okl := e.Right.(*expr.Literal)
		if !okc || !okl {
			f, okc = column(e.Right)
			lit, okl = e.Left.(*expr.Literal)
			op = termOps[flipped[e.Op]]
		}
		if !okc || !okl || lit.Value == nil || !sameKind(f.Type, lit.Value) {
			return delta.Term{}, false
		}
		return delta.Term{Column: f.Name, Op: op, Value: lit.Value}, true
	}
	return delta.Term{}, false
}

func sameKind(t types.DataType, v any) bool {
	switch v.(type) {
	case int8, int16, int32, int64:
		return types.IsIntegral(t)
	case float32, float64:
		_, f := t.(types.FloatType)
		_, d := t.(types.DoubleType)
		return f || d
	case string:
		_, ok := t.(types.StringType)
		return ok
	case bool:
		_, ok := t.(types.BooleanType)
		return ok
	}
	return false
}
