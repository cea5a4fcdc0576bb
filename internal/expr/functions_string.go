package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ingotdata/ingot/types"
)

func atomicNonComplex(t types.DataType) bool { return isAtomic(t) }

var toStringArgs = argsTo(types.String, atomicNonComplex, `the "STRING" type`)

// mapStrings builds a string result from a per-row function over the
// string arguments; a row with any NULL argument is NULL.
func mapStrings(f func(args []string) string) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		ss := make([]*array.String, len(c.args))
		for i, a := range c.args {
			ss[i] = a.(*array.String)
		}
		bld := array.NewStringBuilder(c.mem)
		defer bld.Release()
		bld.Reserve(c.n)
		vals := make([]string, len(ss))
	rows:
		for i := 0; i < c.n; i++ {
			for j, s := range ss {
				if s.IsNull(i) {
					bld.AppendNull()
					continue rows
				}
				vals[j] = s.Value(i)
			}
			bld.Append(f(vals))
		}
		return bld.NewArray(), nil
	}
}

func stringPredicate(f func(s, x string) bool) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		a, b := c.args[0].(*array.String), c.args[1].(*array.String)
		valid := validityOf(c.mem, c.n, a, b)
		vals := newBitmap(c.mem, c.n, false)
		for i := 0; i < c.n; i++ {
			if valid.get(i) {
				vals.setTo(i, f(a.Value(i), b.Value(i)))
			}
		}
		return boolOut(c.n, vals, valid), nil
	}
}

func init() {
	str := returns(types.String)
	register(&FunctionInfo{Name: "upper", MinArgs: 1, MaxArgs: 1, Coerce: toStringArgs, Result: str,
		kernel: mapStrings(func(a []string) string { return strings.ToUpper(a[0]) })}, "ucase")
	register(&FunctionInfo{Name: "lower", MinArgs: 1, MaxArgs: 1, Coerce: toStringArgs, Result: str,
		kernel: mapStrings(func(a []string) string { return strings.ToLower(a[0]) })}, "lcase")
	// Spark's trim family strips only the space character by default; a
	// second argument (TRIM(chars FROM s), btrim(s, chars)) is the set of
	// characters to strip.
	cutset := func(a []string) string {
		if len(a) > 1 {
			return a[1]
		}
		return " "
	}
	register(&FunctionInfo{Name: "trim", MinArgs: 1, MaxArgs: 2, Coerce: toStringArgs, Result: str,
		kernel: mapStrings(func(a []string) string { return strings.Trim(a[0], cutset(a)) })}, "btrim")
	register(&FunctionInfo{Name: "ltrim", MinArgs: 1, MaxArgs: 2, Coerce: toStringArgs, Result: str,
		kernel: mapStrings(func(a []string) string { return strings.TrimLeft(a[0], cutset(a)) })})
	register(&FunctionInfo{Name: "rtrim", MinArgs: 1, MaxArgs: 2, Coerce: toStringArgs, Result: str,
		kernel: mapStrings(func(a []string) string { return strings.TrimRight(a[0], cutset(a)) })})
	register(&FunctionInfo{Name: "concat", MinArgs: 0, MaxArgs: -1, Coerce: toStringArgs, Result: str,
		kernel: func(c *callArgs) (arrow.Array, error) {
			if len(c.args) == 0 {
				return constArray(c.mem, &Literal{Value: "", Type: types.String}, c.n)
			}
			return mapStrings(func(a []string) string { return strings.Join(a, "") })(c)
		}})
	register(&FunctionInfo{Name: "concat_ws", MinArgs: 1, MaxArgs: -1, Coerce: toStringArgs,
		Result: func(_ []types.DataType, ns []bool) (types.DataType, bool, error) { return types.String, ns[0], nil },
		kernel: concatWS})
	register(&FunctionInfo{Name: "replace", MinArgs: 2, MaxArgs: 3, Coerce: toStringArgs, Result: str,
		kernel: func(c *callArgs) (arrow.Array, error) {
			return mapStrings(func(a []string) string {
				with := ""
				if len(a) > 2 {
					with = a[2]
				}
				if a[1] == "" {
					return a[0]
				}
				return strings.ReplaceAll(a[0], a[1], with)
			})(c)
		}})
	register(&FunctionInfo{Name: "length", MinArgs: 1, MaxArgs: 1, Coerce: toStringArgs, Result: returns(types.Integer),
		kernel: func(c *callArgs) (arrow.Array, error) {
			s := c.args[0].(*array.String)
			return fillFrom(c.mem, c.n, validityOf(c.mem, c.n, s), arrow.PrimitiveTypes.Int32,
				func(i int) int32 { return int32(utf8.RuneCountInString(s.Value(i))) }), nil
		}}, "char_length", "character_length")
	register(&FunctionInfo{Name: "substring", MinArgs: 2, MaxArgs: 3,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			out := []types.DataType{types.String, types.Integer, types.Integer}[:len(args)]
			for i, a := range args[1:] {
				if !types.IsIntegral(a) && !isNullT(a) && !isString(a) {
					return nil, errorf("parameter %d requires the \"INT\" type, however it has the type %s", i+2, quoteType(a))
				}
			}
			return out, nil
		},
		Result: str, kernel: substringKernel}, "substr")
	register(&FunctionInfo{Name: "startswith", MinArgs: 2, MaxArgs: 2, Coerce: toStringArgs, Result: returns(types.Boolean),
		kernel: stringPredicate(strings.HasPrefix)})
	register(&FunctionInfo{Name: "endswith", MinArgs: 2, MaxArgs: 2, Coerce: toStringArgs, Result: returns(types.Boolean),
		kernel: stringPredicate(strings.HasSuffix)})
	register(&FunctionInfo{Name: "contains", MinArgs: 2, MaxArgs: 2, Coerce: toStringArgs, Result: returns(types.Boolean),
		kernel: stringPredicate(strings.Contains)})
}

// concatWS joins the non-null arguments with the separator; only a NULL
// separator makes the result NULL.
func concatWS(c *callArgs) (arrow.Array, error) {
	ss := make([]*array.String, len(c.args))
	for i, a := range c.args {
		ss[i] = a.(*array.String)
	}
	bld := array.NewStringBuilder(c.mem)
	defer bld.Release()
	parts := make([]string, 0, len(ss))
	for i := 0; i < c.n; i++ {
		if ss[0].IsNull(i) {
			bld.AppendNull()
			continue
		}
		parts = parts[:0]
		for _, s := range ss[1:] {
			if s.IsValid(i) {
				parts = append(parts, s.Value(i))
			}
		}
		bld.Append(strings.Join(parts, ss[0].Value(i)))
	}
	return bld.NewArray(), nil
}

// substringKernel is Spark's 1-based substring: position 0 acts as 1, a
// negative position counts from the end, and the length is in characters.
func substringKernel(c *callArgs) (arrow.Array, error) {
	s := c.args[0].(*array.String)
	pos := values[int32](c.args[1])
	var lens []int32
	if len(c.args) > 2 {
		lens = values[int32](c.args[2])
	}
	valid := validityOf(c.mem, c.n, c.args...)
	defer valid.buf.Release()
	bld := array.NewStringBuilder(c.mem)
	defer bld.Release()
	for i := 0; i < c.n; i++ {
		if !valid.get(i) {
			bld.AppendNull()
			continue
		}
		r := []rune(s.Value(i))
		n := int64(len(r))
		p := int64(pos[i])
		l := int64(1) << 40
		if lens != nil {
			l = int64(lens[i])
		}
		var start int64
		switch {
		case p > 0:
			start = p - 1
		case p < 0:
			start = n + p
		}
		end := start + l
		if l < 0 {
			end = start
		}
		start = max(start, 0)
		end = min(end, n)
		if start >= end {
			bld.Append("")
			continue
		}
		bld.Append(string(r[start:end]))
	}
	return bld.NewArray(), nil
}

func init() {
	// luhn_check: the string is all digits, non-empty, and passes the
	// Luhn checksum (no trimming: "4111 1111..." is false).
	register(&FunctionInfo{Name: "luhn_check", MinArgs: 1, MaxArgs: 1, Coerce: toStringArgs, Result: returns(types.Boolean),
		kernel: func(c *callArgs) (arrow.Array, error) {
			s := c.args[0].(*array.String)
			valid := validityOf(c.mem, c.n, s)
			vals := newBitmap(c.mem, c.n, false)
			for i := 0; i < c.n; i++ {
				if valid.get(i) {
					vals.setTo(i, luhn(s.Value(i)))
				}
			}
			return boolOut(c.n, vals, valid), nil
		}})
	// split_part(str, delim, n): the n-th part (from the end when n < 0),
	// "" past the last part; an empty delimiter leaves one part; n = 0 is
	// an error.
	register(&FunctionInfo{Name: "split_part", MinArgs: 3, MaxArgs: 3,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			if !types.IsIntegral(args[2]) && !isNullT(args[2]) && !isString(args[2]) {
				return nil, errorf("parameter 3 requires the \"INT\" type, however it has the type %s", quoteType(args[2]))
			}
			return []types.DataType{types.String, types.String, types.Integer}, nil
		},
		Result: returns(types.String),
		kernel: func(c *callArgs) (arrow.Array, error) {
			s, d := c.args[0].(*array.String), c.args[1].(*array.String)
			n := values[int32](c.args[2])
			valid := validityOf(c.mem, c.n, s, d, c.args[2])
			defer valid.buf.Release()
			bld := array.NewStringBuilder(c.mem)
			defer bld.Release()
			for i := 0; i < c.n; i++ {
				if !valid.get(i) {
					bld.AppendNull()
					continue
				}
				if n[i] == 0 {
					return nil, &AnalysisError{Class: "INVALID_INDEX_OF_ZERO", kind: ErrInvalidArgument,
						Message: "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1)."}
				}
				parts := []string{s.Value(i)}
				if d.Value(i) != "" {
					parts = strings.Split(s.Value(i), d.Value(i))
				}
				k := int(n[i])
				if k < 0 {
					k += len(parts) + 1
				}
				if k < 1 || k > len(parts) {
					bld.Append("")
					continue
				}
				bld.Append(parts[k-1])
			}
			return bld.NewArray(), nil
		}})
	// elt(n, a1, a2, ...): the n-th value, NULL when n is out of range.
	register(&FunctionInfo{Name: "elt", MinArgs: 2, MaxArgs: -1,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			if !types.IsIntegral(args[0]) && !isNullT(args[0]) {
				return nil, errorf("parameter 1 requires the \"INT\" type, however it has the type %s", quoteType(args[0]))
			}
			out := make([]types.DataType, len(args))
			out[0] = types.Integer
			for i := 1; i < len(args); i++ {
				out[i] = types.String
			}
			return out, nil
		},
		Result: returnsNullable(types.String),
		kernel: func(c *callArgs) (arrow.Array, error) {
			n := values[int32](c.args[0])
			pick := make([]int, c.n)
			for i := range pick {
				k := int(n[i])
				if c.args[0].IsNull(i) || k < 1 || k >= len(c.args) {
					pick[i] = -1
					continue
				}
				pick[i] = k
			}
			return gather(c.mem, types.String, c.n, c.args, pick)
		}})
}

func luhn(s string) bool {
	if s == "" {
		return false
	}
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func init() {
	strInt := func(args []types.DataType) ([]types.DataType, error) {
		out := []types.DataType{types.String, types.Integer, types.String}[:len(args)]
		if !isNullT(args[1]) && !types.IsNumeric(args[1]) && !isString(args[1]) {
			return nil, errorf("parameter 2 requires the \"INT\" type, however it has the type %s", quoteType(args[1]))
		}
		return out, nil
	}
	// left/right(s, n): the first/last n characters, "" for n <= 0.
	for _, right := range []bool{false, true} {
		name := "left"
		if right {
			name = "right"
		}
		register(&FunctionInfo{Name: name, MinArgs: 2, MaxArgs: 2, Coerce: strInt, Result: returns(types.String),
			kernel: padKernel(func(s []rune, n int, _ []rune) string {
				switch {
				case n <= 0:
					return ""
				case n >= len(s):
					return string(s)
				case right:
					return string(s[len(s)-n:])
				}
				return string(s[:n])
			})})
	}
	// lpad/rpad(s, n[, pad=" "]): s cut or padded to n characters; "" for
	// n <= 0; an empty pad only cuts.
	for _, right := range []bool{false, true} {
		name := "lpad"
		if right {
			name = "rpad"
		}
		register(&FunctionInfo{Name: name, MinArgs: 2, MaxArgs: 3, Coerce: strInt, Result: returns(types.String),
			kernel: padKernel(func(s []rune, n int, pad []rune) string {
				if n <= 0 {
					return ""
				}
				if n <= len(s) || len(pad) == 0 {
					return string(s[:min(n, len(s))])
				}
				fill := make([]rune, 0, n-len(s))
				for len(fill) < n-len(s) {
					fill = append(fill, pad[len(fill)%len(pad)])
				}
				if right {
					return string(s) + string(fill)
				}
				return string(fill) + string(s)
			})})
	}
}

// padKernel runs f over (string, int[, string]) rows; NULL in, NULL out.
func padKernel(f func(s []rune, n int, pad []rune) string) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		s := c.args[0].(*array.String)
		n := values[int32](c.args[1])
		var pad *array.String
		if len(c.args) > 2 {
			pad = c.args[2].(*array.String)
		}
		valid := validityOf(c.mem, c.n, c.args...)
		defer valid.buf.Release()
		bld := array.NewStringBuilder(c.mem)
		defer bld.Release()
		for i := 0; i < c.n; i++ {
			if !valid.get(i) {
				bld.AppendNull()
				continue
			}
			p := []rune{' '}
			if pad != nil {
				p = []rune(pad.Value(i))
			}
			bld.Append(f([]rune(s.Value(i)), int(n[i]), p))
		}
		return bld.NewArray(), nil
	}
}
