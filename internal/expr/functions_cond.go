package expr

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ingotdata/ingot/types"
)

// commonArgs casts all arguments from index `from` to their common type.
func commonArgs(from int) func(args []types.DataType) ([]types.DataType, error) {
	return func(args []types.DataType) ([]types.DataType, error) {
		t, ok := commonType(args[from:])
		if !ok {
			names := make([]string, len(args)-from)
			for i, a := range args[from:] {
				names[i] = quoteType(a)
			}
			return nil, fmt.Errorf("input should all be the same type, but it's [%s]", strings.Join(names, ", "))
		}
		out := make([]types.DataType, len(args))
		for i := from; i < len(args); i++ {
			out[i] = t
		}
		return out, nil
	}
}

func init() {
	register(&FunctionInfo{Name: "coalesce", MinArgs: 1, MaxArgs: -1, Coerce: commonArgs(0),
		Result: func(args []types.DataType, ns []bool) (types.DataType, bool, error) { return args[0], allTrue(ns), nil },
		kernel: func(c *callArgs) (arrow.Array, error) {
			pick := make([]int, c.n)
			for i := range pick {
				pick[i] = -1
				for j, a := range c.args {
					if a.IsValid(i) {
						pick[i] = j
						break
					}
				}
			}
			return gather(c.mem, c.ret, c.n, c.args, pick)
		}}, "nvl", "ifnull")
	register(&FunctionInfo{Name: "if", MinArgs: 3, MaxArgs: 3,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			out, err := commonArgs(1)(args)
			if err != nil {
				return nil, err
			}
			switch args[0].(type) {
			case types.BooleanType:
			case types.NullType, types.StringType:
				out[0] = types.Boolean
			default:
				return nil, fmt.Errorf("the first parameter requires the \"BOOLEAN\" type, however it has the type %s", quoteType(args[0]))
			}
			return out, nil
		},
		Result: func(args []types.DataType, ns []bool) (types.DataType, bool, error) {
			return args[1], ns[1] || ns[2], nil
		},
		kernel: func(c *callArgs) (arrow.Array, error) {
			pick := make([]int, c.n)
			for i := range pick {
				pick[i] = 1
				if truth(c.args[0], i) {
					pick[i] = 0
				}
			}
			return gather(c.mem, c.ret, c.n, c.args[1:], pick)
		}}, "iff")
	// nullif(a, b) is Spark's IF(a = b, NULL, a): the comparison coerces
	// both sides, but the value returned is a itself, of a's type.
	register(&FunctionInfo{Name: "nullif", MinArgs: 2, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			if _, ok := comparisonType(args[0], args[1]); !ok {
				return nil, fmt.Errorf("cannot compare %s with %s", quoteType(args[0]), quoteType(args[1]))
			}
			return nil, nil
		},
		Result: returnsNullable(nil),
		kernel: func(c *callArgs) (arrow.Array, error) {
			t, _ := comparisonType(c.types[0], c.types[1])
			cmp, err := comparer(t)
			if err != nil {
				return nil, err
			}
			side := func(i int) (arrow.Array, error) {
				if types.Equal(c.types[i], t) {
					c.args[i].Retain()
					return c.args[i], nil
				}
				return CastArray(c.mem, c.args[i], c.types[i], t)
			}
			l, err := side(0)
			if err != nil {
				return nil, err
			}
			defer l.Release()
			r, err := side(1)
			if err != nil {
				return nil, err
			}
			defer r.Release()
			cs := make([]int8, c.n)
			cmp(l, r, cs)
			pick := make([]int, c.n)
			for i := range pick {
				if l.IsValid(i) && r.IsValid(i) && cs[i] == 0 {
					pick[i] = -1
				}
			}
			return gather(c.mem, c.types[0], c.n, c.args[:1], pick)
		}})
	for _, greatest := range []bool{true, false} {
		name := "least"
		if greatest {
			name = "greatest"
		}
		register(&FunctionInfo{Name: name, MinArgs: 2, MaxArgs: -1, Coerce: commonArgs(0),
			Result: func(args []types.DataType, ns []bool) (types.DataType, bool, error) { return args[0], allTrue(ns), nil },
			kernel: extremeKernel(greatest)})
	}
}

// nullif's result type is its first argument's; patched after init since
// Result needs the argument types.
func init() {
	f := registry["nullif"]
	f.Result = func(args []types.DataType, _ []bool) (types.DataType, bool, error) { return args[0], true, nil }
}

// extremeKernel is GREATEST/LEAST: NULLs are skipped, NULL only if all are.
func extremeKernel(greatest bool) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		cmp, err := comparer(c.ret)
		if err != nil {
			return nil, err
		}
		pick := make([]int, c.n)
		for i := range pick {
			pick[i] = -1
		}
		cs := make([]int8, c.n)
		for j, a := range c.args {
			cur, err := gather(c.mem, c.ret, c.n, c.args, pick)
			if err != nil {
				return nil, err
			}
			cmp(a, cur, cs)
			for i := range pick {
				if a.IsNull(i) {
					continue
				}
				if cur.IsNull(i) || (greatest && cs[i] > 0) || (!greatest && cs[i] < 0) {
					pick[i] = j
				}
			}
			cur.Release()
		}
		return gather(c.mem, c.ret, c.n, c.args, pick)
	}
}

func init() {
	// nvl2(a, b, c): b when a is not NULL, else c, in b's and c's common type.
	register(&FunctionInfo{Name: "nvl2", MinArgs: 3, MaxArgs: 3, Coerce: commonArgs(1),
		Result: func(args []types.DataType, ns []bool) (types.DataType, bool, error) {
			return args[1], ns[1] || ns[2], nil
		},
		kernel: func(c *callArgs) (arrow.Array, error) {
			// validityOf, not IsValid: a NULL-typed array has no bitmap.
			set := validityOf(c.mem, c.n, c.args[0])
			defer set.buf.Release()
			pick := make([]int, c.n)
			for i := range pick {
				pick[i] = 1
				if set.get(i) {
					pick[i] = 0
				}
			}
			return gather(c.mem, c.ret, c.n, c.args[1:], pick)
		}})
	// typeof(x): the argument's type as Spark prints it ("int", "string").
	register(&FunctionInfo{Name: "typeof", MinArgs: 1, MaxArgs: 1,
		Result: func([]types.DataType, []bool) (types.DataType, bool, error) { return types.String, false, nil },
		kernel: func(c *callArgs) (arrow.Array, error) {
			return constArray(c.mem, &Literal{Value: c.types[0].SimpleString(), Type: types.String}, c.n)
		}})
}
