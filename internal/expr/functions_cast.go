package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ingotdata/ingot/types"
)

// Spark's cast functions: int(x), double(x), date(x), ... are CAST(x AS
// type). Coerce inserts the cast; the kernel passes its result on.
func init() {
	for name, t := range map[string]types.DataType{
		"boolean": types.Boolean, "tinyint": types.Byte, "smallint": types.Short, "int": types.Integer,
		"bigint": types.Long, "float": types.Float, "double": types.Double, "string": types.String,
		"decimal": types.DecimalType{Precision: 10, Scale: 0}, "date": types.Date, "timestamp": types.Timestamp,
	} {
		register(&FunctionInfo{Name: name, MinArgs: 1, MaxArgs: 1,
			Coerce: func(args []types.DataType) ([]types.DataType, error) {
				if !CastSupported(args[0], t) {
					return nil, fmt.Errorf("cannot cast %s to %s", quoteType(args[0]), quoteType(t))
				}
				return []types.DataType{t}, nil
			},
			Result: func(args []types.DataType, ns []bool) (types.DataType, bool, error) { return t, true, nil },
			kernel: func(c *callArgs) (arrow.Array, error) {
				c.args[0].Retain()
				return c.args[0], nil
			}})
	}
}
