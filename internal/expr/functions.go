package expr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// FunctionInfo describes one scalar function of the registry.
type FunctionInfo struct {
	// Name is the canonical lower-case name.
	Name string
	// PrettyName is how the function appears in generated column names
	// when it differs from Name (Spark prints CEIL, FLOOR, SQRT upper-case).
	PrettyName string
	// MinArgs and MaxArgs bound the argument count; MaxArgs < 0 is variadic.
	MinArgs, MaxArgs int
	// Coerce returns, for the argument types, the type each argument must
	// be implicitly cast to (nil entries: keep), or an error naming why the
	// arguments are unacceptable. Nil means arguments are taken as they are.
	Coerce func(args []types.DataType) ([]types.DataType, error)
	// Result is the return type and nullability for coerced arguments.
	Result func(args []types.DataType, nullable []bool) (types.DataType, bool, error)

	kernel kernel
	// resultLits, when set, replaces Result for types that depend on a
	// constant argument (round's scale).
	resultLits func(args []types.DataType, nullable []bool, lits []*Literal) (types.DataType, bool, error)
}

// callArgs is what a kernel sees: evaluated argument arrays, their types,
// the literal arguments (nil where an argument is not a literal) and the
// result type.
type callArgs struct {
	mem   memory.Allocator
	n     int
	args  []arrow.Array
	types []types.DataType
	lits  []*Literal
	ret   types.DataType
	start time.Time // the query's start time (current_timestamp); see query_time.go
}

type kernel func(c *callArgs) (arrow.Array, error)

var registry = map[string]*FunctionInfo{}

func register(f *FunctionInfo, aliases ...string) {
	registry[f.Name] = f
	for _, a := range aliases {
		registry[a] = f
	}
}

// LookupFunction finds a scalar function by name, case-insensitively.
func LookupFunction(name string) (FunctionInfo, bool) {
	f, ok := registry[strings.ToLower(name)]
	if !ok {
		return FunctionInfo{}, false
	}
	return *f, true
}

// FunctionNames lists the registered scalar function names and aliases.
func FunctionNames() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	return out
}

func (cp *compiler) compileCall(out *compiled, e *Call) error {
	f, ok := registry[strings.ToLower(e.Name)]
	if !ok {
		return unknownFunction(e.Name)
	}
	if strings.EqualFold(e.Name, "concat") {
		e = flattenConcat(e)
	}
	cs, err := cp.compileAll(e.Args)
	if err != nil {
		return err
	}
	ts := make([]types.DataType, len(cs))
	lits := make([]*Literal, len(e.Args))
	for i, c := range cs {
		ts[i] = c.t
		lits[i] = foldLiteral(e.Args[i])
	}
	ret := out.t
	compiledAt := time.Now() // the query time when the context carries none
	k := f.kernel
	out.f = func(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
		start, ok := QueryTime(ctx)
		if !ok {
			start = compiledAt
		}
		args, err := evalAll(ctx, mem, b, cs)
		if err != nil {
			return nil, err
		}
		defer releaseAll(args)
		res, err := k(&callArgs{mem: mem, n: int(b.NumRows()), args: args, types: ts, lits: lits, ret: ret, start: start})
		if err != nil {
			return nil, fmt.Errorf("expr: %s: %w", e, err)
		}
		return res, nil
	}
	return nil
}

// foldLiteral returns the literal behind e (through aliases and implicit
// casts of non-null literals it can convert), or nil.
func foldLiteral(e Expr) *Literal {
	switch e := e.(type) {
	case *Literal:
		return e
	case *Alias:
		return foldLiteral(e.Child)
	case *Cast:
		l := foldLiteral(e.Child)
		if l == nil {
			return nil
		}
		if l.Value == nil {
			return &Literal{Type: e.To}
		}
		if types.IsIntegral(l.Type) && types.IsIntegral(e.To) {
			return &Literal{Value: litInt(l.Value), Type: types.Long}
		}
	}
	return nil
}

// litIntArg is the integer value of constant argument i, or def.
func (c *callArgs) litIntArg(i int, def int64) (int64, error) {
	if i >= len(c.args) {
		return def, nil
	}
	l := c.lits[i]
	if l == nil || !types.IsIntegral(l.Type) {
		return 0, fmt.Errorf("argument %d must be an integer constant", i+1)
	}
	if l.Value == nil {
		return def, nil
	}
	return litInt(l.Value), nil
}

// flattenConcat turns concat(concat(a, b), c) into concat(a, b, c), as
// Spark's CombineConcats does: the result is the same (NULL if any input
// is), but a chain a || b || c ... no longer builds every intermediate
// string, which cost time quadratic in the chain's length.
func flattenConcat(e *Call) *Call {
	nested := false
	for _, a := range e.Args {
		if c, ok := a.(*Call); ok && strings.EqualFold(c.Name, "concat") {
			nested = true
			break
		}
	}
	if !nested {
		return e
	}
	var args []Expr
	stack := []Expr{e}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c, ok := x.(*Call); ok && strings.EqualFold(c.Name, "concat") {
			for i := len(c.Args) - 1; i >= 0; i-- {
				stack = append(stack, c.Args[i])
			}
			continue
		}
		args = append(args, x)
	}
	return &Call{Name: e.Name, Args: args}
}
