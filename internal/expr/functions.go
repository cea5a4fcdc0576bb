package expr

import (
	"strings"

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
