package expr

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ingotdata/ingot/types"
)

// Regular-expression functions. Spark uses java.util.regex; Go's RE2
// syntax agrees on the common constructs (classes, groups, quantifiers,
// (?i) flags) and rejects the rest (lookaround, backreferences) with an
// error rather than a different answer.

// regexCache compiles each distinct pattern of a batch once.
type regexCache map[string]*regexp.Regexp

func (rc regexCache) get(p string) (*regexp.Regexp, error) {
	if re, ok := rc[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, &AnalysisError{Class: "INVALID_PARAMETER_VALUE.PATTERN", kind: ErrInvalidArgument,
			Message: fmt.Sprintf("The value of parameter(s) `regexp` is invalid: %q (%v).", p, err)}
	}
	rc[p] = re
	return re, nil
}

// regexRows calls f for every row whose string arguments are all non-null
// with the compiled pattern (argument 1); f appends the row's result.
func regexRows(c *callArgs, f func(i int, s string, re *regexp.Regexp) error) error {
	s, p := c.args[0].(*array.String), c.args[1].(*array.String)
	rc := regexCache{}
	for i := 0; i < c.n; i++ {
		if s.IsNull(i) || p.IsNull(i) {
			if err := f(i, "", nil); err != nil {
				return err
			}
			continue
		}
		re, err := rc.get(p.Value(i))
		if err != nil {
			return err
		}
		if err := f(i, s.Value(i), re); err != nil {
			return err
		}
	}
	return nil
}

func groupIndexError(idx, groups int) error {
	return &AnalysisError{Class: "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX", kind: ErrInvalidArgument,
		Message: fmt.Sprintf("The value of parameter(s) `idx` in `regexp_extract` is invalid: Expects group index between 0 and %d, but got %d.", groups, idx)}
}

func init() {
	boolRes := returns(types.Boolean)
	for _, name := range []string{"rlike", "regexp_like", "regexp"} {
		register(&FunctionInfo{Name: name, PrettyName: strings.ToUpper(name), MinArgs: 2, MaxArgs: 2, Coerce: toStringArgs, Result: boolRes,
			kernel: func(c *callArgs) (arrow.Array, error) {
				valid := newBitmap(c.mem, c.n, false)
				vals := newBitmap(c.mem, c.n, false)
				err := regexRows(c, func(i int, s string, re *regexp.Regexp) error {
					if re != nil {
						valid.set(i)
						vals.setTo(i, re.MatchString(s))
					}
					return nil
				})
				if err != nil {
					valid.buf.Release()
					vals.buf.Release()
					return nil, err
				}
				return boolOut(c.n, vals, valid), nil
			}})
	}
	strWithIdx := func(args []types.DataType) ([]types.DataType, error) {
		out := []types.DataType{types.String, types.String, types.Integer}[:len(args)]
		if len(args) == 3 && !types.IsIntegral(args[2]) && !isNullT(args[2]) {
			return nil, errorf("parameter 3 requires the \"INT\" type, however it has the type %s", quoteType(args[2]))
		}
		return out, nil
	}
	// regexp_extract(s, re[, idx=1]): group idx of the first match, "" when
	// nothing (or an unmatched optional group) matches.
	register(&FunctionInfo{Name: "regexp_extract", MinArgs: 2, MaxArgs: 3, Coerce: strWithIdx, Result: returnsNullable(types.String),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return regexStrings(c, func(i int, s string, re *regexp.Regexp) (string, bool, error) {
				idx, ok := c.intArg(2, i, 1)
				if !ok {
					return "", false, nil
				}
				if idx < 0 || idx > re.NumSubexp() {
					return "", false, groupIndexError(idx, re.NumSubexp())
				}
				m := re.FindStringSubmatchIndex(s)
				if m == nil || m[2*idx] < 0 {
					return "", true, nil
				}
				return s[m[2*idx]:m[2*idx+1]], true, nil
			})
		}})
	// regexp_substr(s, re): the first match, NULL when none or empty.
	register(&FunctionInfo{Name: "regexp_substr", MinArgs: 2, MaxArgs: 2, Coerce: toStringArgs, Result: returnsNullable(types.String),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return regexStrings(c, func(i int, s string, re *regexp.Regexp) (string, bool, error) {
				m := re.FindString(s)
				return m, m != "", nil
			})
		}})
	// regexp_count(s, re): the number of matches.
	register(&FunctionInfo{Name: "regexp_count", MinArgs: 2, MaxArgs: 2, Coerce: toStringArgs, Result: returns(types.Integer),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return regexInts(c, func(i int, s string, re *regexp.Regexp) (int32, bool) {
				return int32(len(re.FindAllStringIndex(s, -1))), true
			})
		}})
	// regexp_instr(s, re[, idx]): the 1-based character position of the
	// first match, 0 when none.
	register(&FunctionInfo{Name: "regexp_instr", MinArgs: 2, MaxArgs: 3, Coerce: strWithIdx, Result: returns(types.Integer),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return regexInts(c, func(i int, s string, re *regexp.Regexp) (int32, bool) {
				m := re.FindStringIndex(s)
				if m == nil {
					return 0, true
				}
				return int32(utf8.RuneCountInString(s[:m[0]]) + 1), true
			})
		}})
	// regexp_replace(s, re, rep[, pos=1]): every match from character pos
	// on replaced; rep uses Java's $n and \ escapes.
	register(&FunctionInfo{Name: "regexp_replace", MinArgs: 3, MaxArgs: 4,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			out := []types.DataType{types.String, types.String, types.String, types.Integer}[:len(args)]
			if len(args) == 4 && !types.IsIntegral(args[3]) && !isNullT(args[3]) {
				return nil, errorf("parameter 4 requires the \"INT\" type, however it has the type %s", quoteType(args[3]))
			}
			return out, nil
		},
		Result: returnsNullable(types.String),
		kernel: func(c *callArgs) (arrow.Array, error) {
			reps := c.args[2].(*array.String)
			return regexStrings(c, func(i int, s string, re *regexp.Regexp) (string, bool, error) {
				pos, ok := c.intArg(3, i, 1)
				if !ok || reps.IsNull(i) {
					return "", false, nil
				}
				if pos < 1 {
					return "", false, &AnalysisError{Class: "INVALID_PARAMETER_VALUE.REGEX_POSITION", kind: ErrInvalidArgument,
						Message: fmt.Sprintf("The value of parameter(s) `position` in `regexp_replace` is invalid: Expects a positive value, but got %d.", pos)}
				}
				start := 0
				for k := 1; k < pos; k++ {
					if start >= len(s) {
						return s, true, nil
					}
					_, w := utf8.DecodeRuneInString(s[start:])
					start += w
				}
				rep := javaReplacement(reps.Value(i), re.NumSubexp())
				return s[:start] + re.ReplaceAllString(s[start:], rep), true, nil
			})
		}})
}

// intArg reads integer argument k at row i (def when absent); false when
// it is NULL.
func (c *callArgs) intArg(k, i, def int) (int, bool) {
	if k >= len(c.args) {
		return def, true
	}
	if c.args[k].IsNull(i) {
		return 0, false
	}
	return int(values[int32](c.args[k])[i]), true
}

func regexStrings(c *callArgs, f func(i int, s string, re *regexp.Regexp) (string, bool, error)) (arrow.Array, error) {
	bld := array.NewStringBuilder(c.mem)
	defer bld.Release()
	bld.Reserve(c.n)
	err := regexRows(c, func(i int, s string, re *regexp.Regexp) error {
		if re == nil {
			bld.AppendNull()
			return nil
		}
		v, ok, err := f(i, s, re)
		if err != nil {
			return err
		}
		if !ok {
			bld.AppendNull()
			return nil
		}
		bld.Append(v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return bld.NewArray(), nil
}

func regexInts(c *callArgs, f func(i int, s string, re *regexp.Regexp) (int32, bool)) (arrow.Array, error) {
	o := newFixedOut[int32](c.mem, c.n, newBitmap(c.mem, c.n, false))
	err := regexRows(c, func(i int, s string, re *regexp.Regexp) error {
		if re == nil {
			return nil
		}
		if v, ok := f(i, s, re); ok {
			o.vals[i] = v
			o.valid.set(i)
		}
		return nil
	})
	if err != nil {
		o.buf.Release()
		o.valid.buf.Release()
		return nil, err
	}
	return o.finish(arrow.PrimitiveTypes.Int32), nil
}

// javaReplacement rewrites a java.util.regex replacement into Go's
// Expand syntax: $n takes digits while they name a group, ${name} stays,
// a backslash quotes the next character, and a literal $ doubles.
func javaReplacement(r string, groups int) string {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch c := r[i]; {
		case c == '\\' && i+1 < len(r):
			i++
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(r[i])
			}
		case c == '$' && i+1 < len(r) && r[i+1] >= '0' && r[i+1] <= '9':
			n := int(r[i+1] - '0')
			j := i + 2
			for j < len(r) && r[j] >= '0' && r[j] <= '9' && n*10+int(r[j]-'0') <= groups {
				n = n*10 + int(r[j]-'0')
				j++
			}
			fmt.Fprintf(&b, "${%d}", n)
			i = j - 1
		case c == '$' && i+1 < len(r) && r[i+1] == '{':
			end := strings.IndexByte(r[i:], '}')
			if end < 0 {
				b.WriteString("$$")
				continue
			}
			b.WriteString(r[i : i+end+1])
			i += end
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
