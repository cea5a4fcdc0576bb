package ingot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ingotdata/ingot"
)

// TestColumnCarriesConstructionErrors: a column built from a bad one (an
// unknown cast type, unparsable SQL) fails the DataFrame that uses it with
// the original error, through every Column method and function.
func TestColumnCarriesConstructionErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	df := must(t).df(s.SQL(ctx, "SELECT '12' AS a, 3 AS b"))
	bad := ingot.Col("a").CastTo("bogus_type")
	badSQL := ingot.Expr("a +* 1")
	const castErr, parseErr = "bogus_type", "PARSE_SYNTAX_ERROR"
	for _, tc := range []struct {
		name string
		c    ingot.Column
		want string
	}{
		{"Cast", bad.CastTo("string"), castErr},
		{"CastTo of a bad receiver keeps the first error", bad.CastTo("also_bogus"), castErr},
		{"As", bad.As("x"), castErr},
		{"Alias", bad.Alias("x"), castErr},
		{"Not", bad.Not(), castErr},
		{"Negate", bad.Negate(), castErr},
		{"IsNull", bad.IsNull(), castErr},
		{"IsNotNull", bad.IsNotNull(), castErr},
		{"Like", bad.Like("1%"), castErr},
		{"Asc", bad.Asc(), castErr},
		{"Desc", bad.Desc(), castErr},
		{"AscNullsLast", bad.AscNullsLast(), castErr},
		{"DescNullsFirst", bad.DescNullsFirst(), castErr},
		{"Between receiver", bad.Between(1, 2), castErr},
		{"Between argument", ingot.Col("b").Between(bad, 2), castErr},
		{"IsIn receiver", bad.IsIn(1), castErr},
		{"IsIn argument", ingot.Col("a").IsIn("x", bad), castErr},
		{"Plus argument", ingot.Col("b").Plus(bad), castErr},
		{"And argument", ingot.Col("b").Gt(1).And(bad.IsNull()), castErr},
		{"function argument", ingot.Coalesce(ingot.Col("a"), bad), castErr},
		{"aggregate argument", ingot.Max(bad), castErr},
		{"Desc function", ingot.Desc(bad), castErr},
		{"Expr parse error through Alias", badSQL.Alias("x"), parseErr},
		{"Expr parse error through Cast", badSQL.CastTo("int").As("x"), parseErr},
		{"zero Column", ingot.Column{}.Alias("x"), "empty Column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.c.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Column.Err() = %v, want an error containing %q", err, tc.want)
			}
			out := df.Select(tc.c)
			if err := out.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Select(...).Err() = %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(out.Err().Error(), "UNRESOLVED_COLUMN") {
				t.Fatalf("error names a made-up column: %v", out.Err())
			}
		})
	}
	// Good columns stay good.
	ok := df.Select(ingot.Col("a").CastTo("int").Alias("x"), ingot.Col("a").IsIn("12", ingot.Lit("13")).As("in"))
	if got := strings2D(t, ok); got != "12,true\n" {
		t.Fatalf("good columns: got %q", got)
	}
}

// TestQualifiedStar: "a.*" and "*" in Select and Col expand as in PySpark;
// a backquoted star is an ordinary column name.
func TestQualifiedStar(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	a := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1, 'x') AS t(id, v)")).Alias("a")
	b := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1, 'p') AS t(id, w)")).Alias("b")
	j := a.Join(b, ingot.Col("a.id").EqualTo(ingot.Col("b.id")))
	for _, tc := range []struct {
		name string
		sel  []any
		want string
	}{
		{"string a.*", []any{"a.*"}, "id,v"},
		{"string b.*", []any{"b.*"}, "id,w"},
		{"Col(a.*)", []any{ingot.Col("a.*")}, "id,v"},
		{"Col(`b`.*)", []any{ingot.Col("`b`.*")}, "id,w"},
		{"Col(*)", []any{ingot.Col("*")}, "id,v,id,w"},
		{"string *", []any{"*"}, "id,v,id,w"},
		{"a.* then a column", []any{"a.*", ingot.Col("b.w")}, "id,v,w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := j.Select(tc.sel...)
			if d.Err() != nil {
				t.Fatal(d.Err())
			}
			if got := strings.Join(d.Columns(), ","); got != tc.want {
				t.Fatalf("columns %s, want %s", got, tc.want)
			}
		})
	}
	if err := j.Select("c.*").Err(); err == nil || !strings.Contains(err.Error(), "CANNOT_RESOLVE_STAR_EXPAND") {
		t.Fatalf("unknown qualifier: got %v, want CANNOT_RESOLVE_STAR_EXPAND", err)
	}
	q := must(t).df(s.SQL(ctx, "SELECT 1 AS `*`"))
	if got := strings2D(t, q.Select(ingot.Col("`*`").Plus(1).As("y"))); got != "2\n" {
		t.Fatalf("backquoted star column: got %q", got)
	}
}
