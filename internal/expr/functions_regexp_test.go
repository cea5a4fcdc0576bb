package expr

import (
	"errors"
	"testing"

	"github.com/ingotdata/ingot/types"
)

// Expected values are Spark 3.5's (regexp-functions.sql of its SQL tests).
func TestRegexpFunctions(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Expr
		want string
	}{
		{"extract whole match", call("regexp_extract", Lit("1a 2b 14m"), Lit(`\d+`), Lit(0)), "1"},
		{"extract default group", call("regexp_extract", Lit("1a 2b 14m"), Lit(`(\d+)([a-z]+)`)), "1"},
		{"extract second group", call("regexp_extract", Lit("1a 2b 14m"), Lit(`(\d+)([a-z]+)`), Lit(2)), "a"},
		{"extract unmatched optional group", call("regexp_extract", Lit("a b m"), Lit(`(\d+)?([a-z]+)`), Lit(1)), ""},
		{"extract no match", call("regexp_extract", Lit("abc"), Lit(`(\d+)`), Lit(1)), ""},
		{"extract null", call("regexp_extract", Lit(nil), Lit(`(\d+)`), Lit(1)), "NULL"},
		{"replace all", call("regexp_replace", Lit("healthy, wealthy, and wise"), Lit(`\w+thy`), Lit("something")), "something, something, and wise"},
		{"replace from position 2", call("regexp_replace", Lit("healthy, wealthy, and wise"), Lit(`\w+thy`), Lit("something"), Lit(2)), "hsomething, something, and wise"},
		{"replace from position 8", call("regexp_replace", Lit("healthy, wealthy, and wise"), Lit(`\w+thy`), Lit("something"), Lit(8)), "healthy, something, and wise"},
		{"replace past the end", call("regexp_replace", Lit("healthy, wealthy, and wise"), Lit(`\w`), Lit("something"), Lit(30)), "healthy, wealthy, and wise"},
		{"replace with groups", call("regexp_replace", Lit("1a 2b"), Lit(`(\d)([a-z])`), Lit(`$2$1\$`)), "a1$ b2$"},
		{"replace null position", call("regexp_replace", Lit("abc"), Lit(`b`), Lit("x"), Lit(nil)), "NULL"},
		{"count", call("regexp_count", Lit("1a 2b 14m"), Lit(`\d+`)), "3"},
		{"count case flag", call("regexp_count", Lit("the fox"), Lit(`(?i)FOX`)), "1"},
		{"substr", call("regexp_substr", Lit("1a 2b 14m"), Lit(`\d{2}(a|b|m)`)), "14m"},
		{"substr none is null", call("regexp_substr", Lit("1a 2b 14m"), Lit(`\d+ `)), "NULL"},
		{"substr empty is null", call("regexp_substr", Lit("1a 2b 14m"), Lit(``)), "NULL"},
		{"instr", call("regexp_instr", Lit("1a 2b 14m"), Lit(`\d{2}(a|b|m)`)), "7"},
		{"instr none", call("regexp_instr", Lit("abc"), Lit(`x`)), "0"},
		{"rlike", call("rlike", Lit("1a 2b 14m"), Lit(`\d+b`)), "true"},
		{"regexp_like no match", call("regexp_like", Lit("1a 2b 14m"), Lit(`[a-z]+b`)), "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem, col("x", types.Integer, int32(1)))
			defer rec.Release()
			_, got, err := evalExpr(t, mem, tc.e, rec)
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != tc.want {
				t.Errorf("got %q, want %q", got[0], tc.want)
			}
		})
	}
}

func TestRegexpErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Expr
	}{
		{"group index beyond the groups", call("regexp_extract", Lit("1a"), Lit(`\d+`), Lit(1))},
		{"negative group index", call("regexp_extract", Lit("1a"), Lit(`(\d+)`), Lit(-1))},
		{"bad pattern", call("regexp_extract", Lit("1a"), Lit(`(`), Lit(0))},
		{"position zero", call("regexp_replace", Lit("1a"), Lit(`a`), Lit("b"), Lit(0))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem, col("x", types.Integer, int32(1)))
			defer rec.Release()
			if _, _, err := evalExpr(t, mem, tc.e, rec); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("err = %v, want ErrInvalidArgument", err)
			}
		})
	}
}
