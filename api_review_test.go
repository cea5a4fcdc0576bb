package ingot_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/types"
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
	// count of a star counts rows, as Spark's functions.count does.
	for _, c := range []ingot.Column{ingot.Count("*"), ingot.Count(ingot.Col("*")), ingot.Count("a.*")} {
		if got := strings2D(t, j.Select(c.As("n"))); got != "1\n" {
			t.Fatalf("%s: got %q, want 1", c, got)
		}
	}
	q := must(t).df(s.SQL(ctx, "SELECT 1 AS `*`"))
	if got := strings2D(t, q.Select(ingot.Col("`*`").Plus(1).As("y"))); got != "2\n" {
		t.Fatalf("backquoted star column: got %q", got)
	}
}

// joinedDup is a ON-join whose output repeats the names id and v, the shape
// that made name-based projections ambiguous.
func joinedDup(t *testing.T) (*ingot.Session, *ingot.DataFrame) {
	ctx := context.Background()
	s, _ := newSession(t)
	a := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1, 'x'), (2, 'y') AS t(id, v)")).Alias("a")
	b := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1, 'p'), (3, 'q') AS t(id, v)")).Alias("b")
	j := a.Join(b, ingot.Col("a.id").EqualTo(ingot.Col("b.id")))
	if j.Err() != nil {
		t.Fatal(j.Err())
	}
	return s, j
}

// TestProjectionHelpersOnDuplicateNames: WithColumn, Drop and
// WithColumnRenamed work by position, as Spark's do on the analyzed
// output: every column of the name is replaced, dropped or renamed, and
// the other columns keep their qualifiers.
func TestProjectionHelpersOnDuplicateNames(t *testing.T) {
	_, j := joinedDup(t)
	for _, tc := range []struct {
		name      string
		df        *ingot.DataFrame
		cols, out string
	}{
		{"WithColumn adds", j.WithColumn("z", ingot.Lit(1)), "id,v,id,v,z", "1,x,1,p,1\n"},
		{"WithColumn replaces every match", j.WithColumn("V", ingot.Upper(ingot.Col("a.v"))), "id,V,id,V", "1,X,1,X\n"},
		{"WithColumn reads a qualified column", j.WithColumn("z", ingot.Col("b.v")), "id,v,id,v,z", "1,x,1,p,p\n"},
		{"Drop removes every match", j.Drop("v"), "id,id", "1,1\n"},
		{"Drop is case-insensitive", j.Drop("ID", "nope"), "v,v", "x,p\n"},
		{"Drop of an unknown name is a no-op", j.Drop("nope"), "id,v,id,v", "1,x,1,p\n"},
		{"WithColumnRenamed renames every match", j.WithColumnRenamed("id", "k"), "k,v,k,v", "1,x,1,p\n"},
		{"WithColumnRenamed of an unknown name is a no-op", j.WithColumnRenamed("nope", "k"), "id,v,id,v", "1,x,1,p\n"},
		{"qualifiers survive WithColumn", j.WithColumn("z", ingot.Lit(1)).Select("b.v", "a.v", "z"), "v,v,z", "p,x,1\n"},
		{"qualifiers survive Drop", j.Drop("id").Select("b.*"), "v", "p\n"},
		{"qualifiers survive rename of others", j.WithColumnRenamed("id", "k").Select("a.v"), "v", "x\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.df.Err() != nil {
				t.Fatal(tc.df.Err())
			}
			if got := strings.Join(tc.df.Columns(), ","); got != tc.cols {
				t.Fatalf("columns %s, want %s", got, tc.cols)
			}
			if got := strings2D(t, tc.df); got != tc.out {
				t.Fatalf("rows %q, want %q", got, tc.out)
			}
		})
	}
	// Unqualified reads of a duplicated name stay ambiguous, as in Spark.
	if err := j.WithColumn("z", ingot.Col("v")).Err(); err == nil || !strings.Contains(err.Error(), "AMBIGUOUS_REFERENCE") {
		t.Fatalf("WithColumn(z, v): got %v, want AMBIGUOUS_REFERENCE", err)
	}
	// A renamed column answers to its new name only, unqualified.
	if err := j.WithColumnRenamed("id", "k").Select("a.id").Err(); err == nil {
		t.Fatal("a.id after renaming id: want an error")
	}
}

// TestProjectionHelpersKeepUsingJoinKeys: over a USING join, whose
// analyzed plan holds hidden key columns between the visible ones, the
// helpers still address the visible columns, and a new column may read
// the right side's hidden key as Spark allows.
func TestProjectionHelpersKeepUsingJoinKeys(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	a := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1, 'x'), (2, 'y') AS t(id, v)")).Alias("a")
	b := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1, 'p'), (3, 'q') AS t(id, w)")).Alias("b")
	c := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1, 10) AS t(k, n)")).Alias("c")
	left := a.Join(b, "id", "left")
	// The left input of this join has b's hidden key after its visible columns.
	j := left.Join(c, ingot.Col("a.id").EqualTo(ingot.Col("c.k")), "left")
	for _, tc := range []struct {
		name      string
		df        *ingot.DataFrame
		cols, out string
	}{
		{"WithColumn reads the hidden right key", left.WithColumn("bid", ingot.Col("b.id")), "id,v,w,bid", "1,x,p,1\n2,y,NULL,NULL\n"},
		{"Drop past hidden columns", j.Drop("w"), "id,v,k,n", "1,x,1,10\n2,y,NULL,NULL\n"},
		{"WithColumn past hidden columns", j.WithColumn("n", ingot.Col("n").Plus(1)), "id,v,w,k,n", "1,x,p,1,11\n2,y,NULL,NULL,NULL\n"},
		{"rename past hidden columns", j.WithColumnRenamed("n", "m"), "id,v,w,k,m", "1,x,p,1,10\n2,y,NULL,NULL,NULL\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.df.Err() != nil {
				t.Fatal(tc.df.Err())
			}
			if got := strings.Join(tc.df.Columns(), ","); got != tc.cols {
				t.Fatalf("columns %s, want %s", got, tc.cols)
			}
			if got := strings2D(t, tc.df.OrderBy("id")); got != tc.out {
				t.Fatalf("rows %q, want %q", got, tc.out)
			}
		})
	}
}

// TestShowStringMatchesSpark pins show() output to Spark 3.5's showString:
// right-aligned cells when truncating, left-aligned otherwise; control
// characters escaped; binary as hex bytes; East Asian wide characters two
// columns wide; "row" in the footer for one row.
func TestShowStringMatchesSpark(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	mixed := must(t).df(s.SQL(ctx, "SELECT 'a' AS short, 'line1\\nline2\\ttab' AS nl, X'0102FF' AS bin, 1.5D AS d, CAST(NULL AS INT) AS n"))
	wide := must(t).df(s.SQL(ctx, "SELECT '日本語テキスト' AS a_very_long_column_name_here, 'abcdefghijklmnopqrstuvwxyz' AS x, '한국어 텍스트 열두 글자 이상이다 정말로' AS k"))
	two := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1), (2) AS t(x)"))
	emoji := must(t).df(s.SQL(ctx, "SELECT '😀x' AS e, '😀😀😀😀😀😀😀😀😀😀😀' AS long"))
	three := must(t).df(s.SQL(ctx, "SELECT * FROM VALUES (1), (2), (3) AS t(x)"))
	for _, tc := range []struct {
		name     string
		df       *ingot.DataFrame
		n        int
		truncate bool
		want     string
	}{
		{"truncate: right-aligned, escaped, hex", mixed, 20, true, `
+-----+-----------------+----------+---+----+
|short|               nl|       bin|  d|   n|
+-----+-----------------+----------+---+----+
|    a|line1\nline2\ttab|[01 02 FF]|1.5|NULL|
+-----+-----------------+----------+---+----+
`},
		{"no truncate: left-aligned", mixed, 20, false, `
+-----+-----------------+----------+---+----+
|short|nl               |bin       |d  |n   |
+-----+-----------------+----------+---+----+
|a    |line1\nline2\ttab|[01 02 FF]|1.5|NULL|
+-----+-----------------+----------+---+----+
`},
		{"wide characters count two", wide, 20, true, `
+----------------------------+--------------------+---------------------------------+
|a_very_long_column_name_here|                   x|                                k|
+----------------------------+--------------------+---------------------------------+
|              日本語テキスト|abcdefghijklmnopq...|한국어 텍스트 열두 글자 이상이...|
+----------------------------+--------------------+---------------------------------+
`},
		{"wide characters, no truncate", wide, 20, false, `
+----------------------------+--------------------------+---------------------------------------+
|a_very_long_column_name_here|x                         |k                                      |
+----------------------------+--------------------------+---------------------------------------+
|日本語テキスト              |abcdefghijklmnopqrstuvwxyz|한국어 텍스트 열두 글자 이상이다 정말로|
+----------------------------+--------------------------+---------------------------------------+
`},
		{"a character beyond the BMP counts two, as in Java; a cut pair prints ?", emoji, 20, true, `
+---+--------------------+
|  e|                long|
+---+--------------------+
|😀x|😀😀😀😀😀😀😀😀?...|
+---+--------------------+
`},
		{"footer for one row", two, 1, true, `
+---+
|  x|
+---+
|  1|
+---+
only showing top 1 row
`},
		{"footer for rows", three, 2, true, `
+---+
|  x|
+---+
|  1|
|  2|
+---+
only showing top 2 rows
`},
		{"negative n shows none", two, -1, true, `
+---+
|  x|
+---+
+---+
only showing top 0 rows
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.df.ShowString(ctx, tc.n, tc.truncate)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.want[1:]; got != want {
				t.Fatalf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestBatchActionOnStreamingDataFrame: every batch action on a streaming
// DataFrame fails with Spark's message (Spark 3.5 gives it no error class
// users see: _LEGACY_ERROR_TEMP_3102 prints only the message) and the
// ErrStreamingAction sentinel.
func TestBatchActionOnStreamingDataFrame(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	in := filepath.Join(dir, "in")
	writeFile(t, filepath.Join(in, "1.json"), `{"id": 1}`+"\n")
	df := must(t).df(s.ReadStream().Schema(types.NewStruct(types.Field("id", types.Long))).JSON(ctx, in))
	df = df.WithColumn("x", ingot.Col("id").Plus(1))
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"Count", func() error { _, err := df.Count(ctx); return err }},
		{"Collect", func() error { _, err := df.Collect(ctx); return err }},
		{"ShowString", func() error { _, err := df.ShowString(ctx, 5, true); return err }},
		{"Stream", func() error { _, err := df.Stream(ctx); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, ingot.ErrStreamingAction) {
				t.Fatalf("got %v, want ErrStreamingAction", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "Queries with streaming sources must be executed with writeStream.start()") || strings.Contains(msg, "NON_TIME_WINDOW") {
				t.Fatalf("message %q", msg)
			}
		})
	}
}

// TestStreamingProjectionHelpers: the positional plans WithColumn,
// WithColumnRenamed and Drop build run as streaming queries too.
func TestStreamingProjectionHelpers(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	in := filepath.Join(dir, "in")
	writeFile(t, filepath.Join(in, "1.json"), `{"id": 1, "v": "a"}`+"\n"+`{"id": 2, "v": "b"}`+"\n")
	schema := types.NewStruct(types.Field("id", types.Long), types.Field("v", types.String))
	df := must(t).df(s.ReadStream().Schema(schema).JSON(ctx, in))
	df = df.WithColumn("id", ingot.Col("id").Multiply(10)).WithColumn("u", ingot.Upper(ingot.Col("v"))).Drop("v").WithColumnRenamed("u", "name")
	if df.Err() != nil {
		t.Fatal(df.Err())
	}
	q, err := df.WriteStream().Trigger(ingot.AvailableNow()).Option("checkpointLocation", filepath.Join(dir, "chk")).ToTable(ctx, "out")
	if err != nil {
		t.Fatal(err)
	}
	if err := q.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings2D(t, must(t).df(s.Table(ctx, "out")).OrderBy("id")); got != "10,A\n20,B\n" {
		t.Fatalf("out = %q", got)
	}
}

// TestLiteralGoValues: Go operands become literals of Spark's types (a Go
// int is INT when it fits, BIGINT beyond, as PySpark's lit does for Python
// ints); an unsupported Go type is an error on the column, not a panic.
func TestLiteralGoValues(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	df := must(t).df(s.SQL(ctx, "SELECT 1 AS one"))
	const unsupported = "UNSUPPORTED_FEATURE.LITERAL_TYPE"
	for _, tc := range []struct {
		name  string
		c     ingot.Column
		typ   types.DataType
		value string // or, with no type, an error fragment
	}{
		{"small int is INT", ingot.Lit(7), types.Integer, "7"},
		{"big int is BIGINT", ingot.Lit(1 << 40), types.Long, "1099511627776"},
		{"big int operand keeps its value", ingot.Col("one").Plus(1 << 40), types.Long, "1099511627777"},
		{"uint8 is INT", ingot.Lit(uint8(200)), types.Integer, "200"},
		{"uint64 is BIGINT", ingot.Lit(uint64(1 << 40)), types.Long, "1099511627776"},
		{"uint64 beyond BIGINT", ingot.Lit(uint64(1 << 63)), nil, unsupported},
		{"struct", ingot.Lit(struct{}{}), nil, unsupported},
		{"operand of an unsupported type", ingot.Col("one").Plus([]int{1}), nil, unsupported},
		{"IsIn of an unsupported type", ingot.Col("one").IsIn(1, map[string]int{}), nil, unsupported},
		{"function argument of an unsupported type", ingot.Coalesce(ingot.Col("one"), 1, complex(1, 2)), nil, unsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := df.Select(tc.c.As("x"))
			if tc.typ == nil {
				if err := out.Err(); err == nil || !strings.Contains(err.Error(), tc.value) {
					t.Fatalf("got %v, want %s", err, tc.value)
				}
				return
			}
			if out.Err() != nil {
				t.Fatal(out.Err())
			}
			if got := out.Schema().Fields[0].Type; !types.Equal(got, tc.typ) {
				t.Fatalf("type %s, want %s", got.SQL(), tc.typ.SQL())
			}
			if got := strings2D(t, out); got != tc.value+"\n" {
				t.Fatalf("got %q, want %q", got, tc.value)
			}
		})
	}
}
