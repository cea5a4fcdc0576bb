package sql

import (
	"reflect"
	"testing"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

func mustParse(t *testing.T, text string) Statement {
	t.Helper()
	st, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	return st
}

func strp(s string) *string { return &s }

// TestStatementFields pins the fields the planner and catalog read, which
// the canonical rendering alone would not show (e.g. a property's value
// type, a path table's parts).
func TestStatementFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Statement
	}{
		{"seed create database", "CREATE DATABASE IF NOT EXISTS h COMMENT 'c' WITH DBPROPERTIES (contains_pii = true, purpose = 'p', n = 3)",
			&CreateDatabase{Name: "h", IfNotExists: true, Comment: strp("c"), Properties: []Property{{"contains_pii", "true"}, {"purpose", "p"}, {"n", "3"}}}},
		{"drop cascade", "DROP SCHEMA IF EXISTS h CASCADE;", &DropDatabase{Name: "h", IfExists: true, Cascade: true}},
		{"show tables in", "SHOW TABLES FROM h LIKE 'f*'", &ShowTables{Database: "h", Like: strp("f*")}},
		{"describe path table", "DESCRIBE DETAIL delta.`/tmp/t`", &DescribeDetail{Table: TableName{Format: "delta", Path: "/tmp/t"}}},
		{"describe three-part", "DESC EXTENDED c.d.t", &DescribeTable{Extended: true, Table: TableName{Catalog: "c", Database: "d", Name: "t"}}},
		{"create table", "CREATE TABLE d.t (a INT NOT NULL, b DECIMAL(5,2) COMMENT 'x') USING DELTA PARTITIONED BY (a)",
			&CreateTable{Name: TableName{Database: "d", Name: "t"}, Provider: "delta", PartitionBy: []string{"a"}, Columns: []ColumnDef{
				{Name: "a", Type: types.Integer, NotNull: true}, {Name: "b", Type: types.DecimalType{Precision: 5, Scale: 2}, Comment: strp("x")}}}},
		{"delete", "DELETE FROM t WHERE a = 1", &Delete{Table: TableName{Name: "t"}, Where: &expr.Binary{Op: expr.OpEq, Left: &expr.ColumnRef{Name: "a"}, Right: &expr.Literal{Value: int32(1), Type: types.Integer}}}},
		{"unset properties", "ALTER TABLE t UNSET TBLPROPERTIES ('a', b.c)", &AlterTableUnsetProperties{Table: TableName{Name: "t"}, Keys: []string{"a", "b.c"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustParse(t, tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestQueryShape(t *testing.T) {
	q, ok := mustParse(t, "SELECT a, count(*) AS n, upper(b) FROM db.t VERSION AS OF 7 x LEFT JOIN u ON x.k = u.k WHERE a > 0 GROUP BY 1 ORDER BY n DESC LIMIT 5").(*Query)
	if !ok {
		t.Fatal("not a *Query")
	}
	sel, ok := q.Body.(*Select)
	if !ok {
		t.Fatalf("body is %T", q.Body)
	}
	if agg, ok := sel.Items[1].(*expr.Alias).Child.(*expr.AggCall); !ok || !agg.Star || agg.Name != "count" {
		t.Errorf("count(*) parsed as %#v", sel.Items[1])
	}
	if call, ok := sel.Items[2].(*expr.Call); !ok || call.Name != "upper" {
		t.Errorf("upper(b) parsed as %#v", sel.Items[2])
	}
	j, ok := sel.From.(*Join)
	if !ok || j.Type != LeftJoin {
		t.Fatalf("from is %#v", sel.From)
	}
	left := j.Left.(*Table)
	if left.Alias != "x" || left.Name != (TableName{Database: "db", Name: "t"}) || left.TimeTravel == nil || *left.TimeTravel.Version != 7 {
		t.Errorf("left table = %#v", left)
	}
	if lit, ok := sel.GroupBy[0].(*expr.Literal); !ok || lit.Value != int32(1) {
		t.Errorf("ordinal group by = %#v", sel.GroupBy[0])
	}
	if len(q.OrderBy) != 1 || !q.OrderBy[0].Desc || q.OrderBy[0].NullsFirst {
		t.Errorf("order by = %#v", q.OrderBy)
	}
	if lit, ok := q.Limit.(*expr.Literal); !ok || lit.Value != int32(5) {
		t.Errorf("limit = %#v", q.Limit)
	}
}

func TestMergeShape(t *testing.T) {
	m := mustParse(t, `MERGE INTO t USING s ON t.id = s.id
		WHEN MATCHED AND s.op = 'D' THEN DELETE
		WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)
		WHEN NOT MATCHED BY SOURCE AND t.old THEN UPDATE SET t.old = false`).(*Merge)
	want := []struct {
		match  MergeMatch
		action MergeAction
		cond   bool
	}{{WhenMatched, MergeDelete, true}, {WhenNotMatched, MergeInsert, false}, {WhenNotMatchedBySource, MergeUpdate, true}}
	if len(m.Clauses) != len(want) {
		t.Fatalf("%d clauses", len(m.Clauses))
	}
	for i, w := range want {
		c := m.Clauses[i]
		if c.Match != w.match || c.Action != w.action || (c.Cond != nil) != w.cond {
			t.Errorf("clause %d = %+v, want %+v", i, c, w)
		}
	}
	if got := m.Clauses[1].Columns; !reflect.DeepEqual(got, []string{"id"}) {
		t.Errorf("insert columns = %v", got)
	}
}

func TestParseScript(t *testing.T) {
	stmts, err := ParseScript("USE d; -- x;\n;SELECT ';' AS s;\n/* ; */ SHOW TABLES")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stmts {
		got = append(got, s.String())
	}
	want := []string{"USE d", "SELECT ';' AS s", "SHOW TABLES"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := ParseScript("USE d; SELECT FROM"); err == nil || err.Error() != "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM' (line 1, pos 14)" {
		t.Errorf("script error = %v", err)
	}
}

func TestParseExprForDataFrames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want expr.Expr
	}{
		{"heartrate > 0", &expr.Binary{Op: expr.OpGt, Left: &expr.ColumnRef{Name: "heartrate"}, Right: &expr.Literal{Value: int32(0), Type: types.Integer}}},
		{"avg(x) AS m", &expr.Alias{Name: "m", Child: &expr.AggCall{Name: "avg", Args: []expr.Expr{&expr.ColumnRef{Name: "x"}}}}},
		{"p.*", &expr.Star{Qualifier: "p"}},
		{"CAST(ts AS TIMESTAMP)", &expr.Cast{Child: &expr.ColumnRef{Name: "ts"}, To: types.Timestamp}},
		{"NOT a IN (1)", &expr.Unary{Op: expr.OpNot, Child: &expr.In{Child: &expr.ColumnRef{Name: "a"}, List: []expr.Expr{&expr.Literal{Value: int32(1), Type: types.Integer}}}}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseExpr(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}
