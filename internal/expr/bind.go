package expr

import (
	"fmt"
	"time"

	"github.com/ingotdata/ingot/types"
)

// Shorter names for the type switches of this package.
type (
	dateT  = types.DateType
	tsT    = types.TimestampType
	tsNTZT = types.TimestampNTZType
	decT   = types.DecimalType
)

// Transform rebuilds e bottom-up, applying f to every node after its
// children have been transformed. f returning an error stops the walk.
func Transform(e Expr, f func(Expr) (Expr, error)) (Expr, error) {
	if e == nil {
		return nil, nil
	}
	ch := e.Children()
	if len(ch) > 0 {
		nch := make([]Expr, len(ch))
		for i, c := range ch {
			nc, err := Transform(c, f)
			if err != nil {
				return nil, err
			}
			nch[i] = nc
		}
		e = e.WithChildren(nch)
	}
	return f(e)
}

// Bind replaces every ColumnRef of e by the BoundRef resolve returns. The
// analyzer supplies resolve (it knows the input schema and the Spark error
// class to report for an unknown name).
func Bind(e Expr, resolve func(*ColumnRef) (*BoundRef, error)) (Expr, error) {
	return Transform(e, func(n Expr) (Expr, error) {
		if c, ok := n.(*ColumnRef); ok {
			b, err := resolve(c)
			if err != nil {
				return nil, err
			}
			return b, nil
		}
		return n, nil
	})
}

// OutputName is the column name Spark gives e in a projection: the alias,
// the bare column name, or the generated String. A top-level cast of a
// column keeps the column's name (Spark's ResolveAliases), which is why
// the seed's col("device_id").cast(IntegerType()) is still "device_id";
// nested casts show up in the generated name as CAST(x AS T).
func OutputName(e Expr) string {
	switch e := e.(type) {
	case *Alias:
		return e.Name
	case *ColumnRef:
		return e.Name
	case *BoundRef:
		return e.Name
	case *Cast:
		switch c := e.Child.(type) {
		case *ColumnRef, *BoundRef, *Alias:
			return OutputName(c)
		}
	}
	return e.String()
}

// IsAggregate reports whether name is an aggregate function.
func IsAggregate(name string) bool {
	_, ok := aggregates[aggName(&AggCall{Name: name})]
	return ok
}

// ContainsAggregate reports whether e has an AggCall anywhere in its tree.
func ContainsAggregate(e Expr) bool {
	if e == nil {
		return false
	}
	if _, ok := e.(*AggCall); ok {
		return true
	}
	for _, c := range e.Children() {
		if ContainsAggregate(c) {
			return true
		}
	}
	return false
}

// Lit makes a typed literal of a Go value: int and int32 are INT, int64
// BIGINT, int8 TINYINT, int16 SMALLINT, float32 FLOAT, float64 DOUBLE,
// string STRING, []byte BINARY, bool BOOLEAN, nil NULL, time.Time TIMESTAMP
// and Decimal DECIMAL. Any other type panics: it is a programming error.
func Lit(v any) *Literal {
	switch v := v.(type) {
	case nil:
		return &Literal{Type: types.Null}
	case bool:
		return &Literal{Value: v, Type: types.Boolean}
	case int:
		return &Literal{Value: int32(v), Type: types.Integer}
	case int8:
		return &Literal{Value: v, Type: types.Byte}
	case int16:
		return &Literal{Value: v, Type: types.Short}
	case int32:
		return &Literal{Value: v, Type: types.Integer}
	case int64:
		return &Literal{Value: v, Type: types.Long}
	case float32:
		return &Literal{Value: v, Type: types.Float}
	case float64:
		return &Literal{Value: v, Type: types.Double}
	case string:
		return &Literal{Value: v, Type: types.String}
	case []byte:
		return &Literal{Value: v, Type: types.Binary}
	case time.Time:
		return &Literal{Value: v.UnixMicro(), Type: types.Timestamp}
	case Decimal:
		return &Literal{Value: v, Type: types.DecimalType{Precision: v.Precision, Scale: v.Scale}}
	}
	panic(fmt.Sprintf("expr: Lit of unsupported Go type %T", v))
}
