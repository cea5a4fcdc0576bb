package sql

import (
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
)

// String methods render canonical SQL: keywords upper case, one space
// between tokens, every optional clause that was given written out in a
// fixed order, so that Parse(s.String()).String() == s.String().

func (q *Query) String() string {
	var b strings.Builder
	if len(q.With) > 0 {
		b.WriteString("WITH ")
		for i, c := range q.With {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(c.Name))
			if len(c.Columns) > 0 {
				b.WriteString("(" + identList(c.Columns) + ")")
			}
			b.WriteString(" AS (" + c.Query.String() + ")")
		}
		b.WriteString(" ")
	}
	if inner, ok := q.Body.(*Query); ok {
		b.WriteString("(" + inner.String() + ")")
	} else {
		b.WriteString(q.Body.String())
	}
	if len(q.OrderBy) > 0 {
		b.WriteString(" ORDER BY " + sortList(q.OrderBy))
	}
	if q.Limit != nil {
		b.WriteString(" LIMIT " + exprSQL(q.Limit))
	}
	if q.Offset != nil {
		b.WriteString(" OFFSET " + exprSQL(q.Offset))
	}
	return b.String()
}

func (s *Select) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if s.Distinct {
		b.WriteString("DISTINCT ")
	}
	b.WriteString(exprList(s.Items))
	if s.From != nil {
		b.WriteString(" FROM " + s.From.String())
	}
	if s.Where != nil {
		b.WriteString(" WHERE " + exprSQL(s.Where))
	}
	if len(s.GroupBy) > 0 {
		b.WriteString(" GROUP BY " + exprList(s.GroupBy))
	}
	if s.Having != nil {
		b.WriteString(" HAVING " + exprSQL(s.Having))
	}
	if len(s.Windows) > 0 {
		b.WriteString(" WINDOW ")
		for i, w := range s.Windows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(w.Name) + " AS " + w.Spec.specSQL())
		}
	}
	return b.String()
}

func (s *SetOp) String() string {
	all := ""
	if s.All {
		all = " ALL"
	}
	return setOperand(s.Left) + " " + s.Kind.String() + all + " " + setOperand(s.Right)
}

// setOperand parenthesises nested set operations and full queries so the
// tree's shape survives re-parsing.
func setOperand(q QueryBody) string {
	switch q.(type) {
	case *SetOp, *Query:
		return "(" + q.String() + ")"
	}
	return q.String()
}

func (v *Values) String() string { return "VALUES " + rowsSQL(v.Rows) }

func rowsSQL(rows [][]expr.Expr) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = "(" + exprList(r) + ")"
	}
	return strings.Join(parts, ", ")
}

func aliasSQL(alias string, cols []string) string {
	if alias == "" {
		return ""
	}
	s := " AS " + quoteIdent(alias)
	if len(cols) > 0 {
		s += "(" + identList(cols) + ")"
	}
	return s
}

func (t *Table) String() string {
	s := t.Name.String()
	if tt := t.TimeTravel; tt != nil {
		if tt.Version != nil {
			s += " VERSION AS OF " + strconv.FormatInt(*tt.Version, 10)
		} else {
			s += " TIMESTAMP AS OF " + exprSQL(tt.Timestamp)
		}
	}
	return s + aliasSQL(t.Alias, t.Columns)
}

func (s *Subquery) String() string {
	return "(" + s.Query.String() + ")" + aliasSQL(s.Alias, s.Columns)
}

func (t *InlineTable) String() string {
	return "VALUES " + rowsSQL(t.Rows) + aliasSQL(t.Alias, t.Columns)
}

func (f *TableFunction) String() string {
	return quoteFuncName(f.Name) + "(" + exprList(f.Args) + ")" + aliasSQL(f.Alias, f.Columns)
}

func (j *Join) String() string {
	var b strings.Builder
	b.WriteString(j.Left.String())
	b.WriteString(" ")
	if j.Natural {
		b.WriteString("NATURAL ")
	}
	b.WriteString(j.Type.String() + " ")
	if _, ok := j.Right.(*Join); ok {
		b.WriteString("(" + j.Right.String() + ")")
	} else {
		b.WriteString(j.Right.String())
	}
	if j.On != nil {
		b.WriteString(" ON " + exprSQL(j.On))
	}
	if len(j.Using) > 0 {
		b.WriteString(" USING (" + identList(j.Using) + ")")
	}
	return b.String()
}

func optString(kw string, s *string) string {
	if s == nil {
		return ""
	}
	return " " + kw + " " + quoteString(*s)
}

func (c *CreateDatabase) String() string {
	s := "CREATE DATABASE "
	if c.IfNotExists {
		s += "IF NOT EXISTS "
	}
	s += quoteQualifier(c.Name) + optString("COMMENT", c.Comment) + optString("LOCATION", c.Location)
	if len(c.Properties) > 0 {
		s += " WITH DBPROPERTIES " + propertyList(c.Properties)
	}
	return s
}

func (d *DropDatabase) String() string {
	s := "DROP DATABASE "
	if d.IfExists {
		s += "IF EXISTS "
	}
	s += quoteQualifier(d.Name)
	if d.Cascade {
		s += " CASCADE"
	}
	return s
}

func (u *Use) String() string { return "USE " + quoteQualifier(u.Name) }

func (s *ShowDatabases) String() string { return "SHOW DATABASES" + optString("LIKE", s.Like) }

func (s *ShowTables) String() string {
	out := "SHOW TABLES"
	if s.Database != "" {
		out += " IN " + quoteQualifier(s.Database)
	}
	return out + optString("LIKE", s.Like)
}

func (d *DescribeTable) String() string {
	if d.Extended {
		return "DESCRIBE TABLE EXTENDED " + d.Table.String()
	}
	return "DESCRIBE TABLE " + d.Table.String()
}

func (d *DescribeDatabase) String() string {
	if d.Extended {
		return "DESCRIBE DATABASE EXTENDED " + quoteQualifier(d.Name)
	}
	return "DESCRIBE DATABASE " + quoteQualifier(d.Name)
}

func (d *DescribeHistory) String() string {
	s := "DESCRIBE HISTORY " + d.Table.String()
	if d.Limit != nil {
		s += " LIMIT " + strconv.FormatInt(*d.Limit, 10)
	}
	return s
}

func (d *DescribeDetail) String() string { return "DESCRIBE DETAIL " + d.Table.String() }

func columnDefsSQL(cols []ColumnDef) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteIdent(c.Name) + " " + c.Type.SQL()
		if c.NotNull {
			parts[i] += " NOT NULL"
		}
		if c.Generated != nil {
			parts[i] += " GENERATED ALWAYS AS (" + exprSQL(c.Generated) + ")"
		}
		if c.Default != nil {
			parts[i] += " DEFAULT " + exprSQL(c.Default)
		}
		parts[i] += optString("COMMENT", c.Comment)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (c *CreateTable) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if c.OrReplace {
		b.WriteString("OR REPLACE ")
	}
	b.WriteString("TABLE ")
	if c.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(c.Name.String())
	if c.Like != nil {
		b.WriteString(" LIKE " + c.Like.String())
	}
	if c.Clone != nil {
		if c.Shallow {
			b.WriteString(" SHALLOW CLONE " + c.Clone.String())
		} else {
			b.WriteString(" DEEP CLONE " + c.Clone.String())
		}
	}
	if len(c.Columns) > 0 {
		b.WriteString(" " + columnDefsSQL(c.Columns))
	}
	if c.Provider != "" {
		b.WriteString(" USING " + quoteIdent(c.Provider))
	}
	if len(c.PartitionBy) > 0 {
		b.WriteString(" PARTITIONED BY (" + identList(c.PartitionBy) + ")")
	}
	if len(c.ClusterBy) > 0 {
		b.WriteString(" CLUSTER BY (" + identList(c.ClusterBy) + ")")
	}
	b.WriteString(optString("LOCATION", c.Location))
	b.WriteString(optString("COMMENT", c.Comment))
	if len(c.Properties) > 0 {
		b.WriteString(" TBLPROPERTIES " + propertyList(c.Properties))
	}
	if c.As != nil {
		b.WriteString(" AS " + c.As.String())
	}
	return b.String()
}

func (v *CreateView) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if v.OrReplace {
		b.WriteString("OR REPLACE ")
	}
	if v.Global {
		b.WriteString("GLOBAL ")
	}
	if v.Temporary {
		b.WriteString("TEMPORARY ")
	}
	b.WriteString("VIEW ")
	if v.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(v.Name.String())
	if len(v.Columns) > 0 {
		b.WriteString(" (" + identList(v.Columns) + ")")
	}
	b.WriteString(" AS " + v.As.String())
	return b.String()
}

func (d *DropTable) String() string {
	s := "DROP TABLE "
	if d.View {
		s = "DROP VIEW "
	}
	if d.IfExists {
		s += "IF EXISTS "
	}
	return s + d.Name.String()
}

func (i *Insert) String() string {
	s := "INSERT INTO "
	if i.Overwrite {
		s = "INSERT OVERWRITE "
	}
	s += i.Table.String()
	if len(i.Columns) > 0 {
		s += " (" + identList(i.Columns) + ")"
	}
	if i.ReplaceWhere != nil {
		s += " REPLACE WHERE " + exprSQL(i.ReplaceWhere)
	}
	return s + " " + i.Query.String()
}

func dmlAliasSQL(a string) string {
	if a == "" {
		return ""
	}
	return " AS " + quoteIdent(a)
}

func (d *Delete) String() string {
	s := "DELETE FROM " + d.Table.String() + dmlAliasSQL(d.Alias)
	if d.Where != nil {
		s += " WHERE " + exprSQL(d.Where)
	}
	return s
}

func assignmentsSQL(as []Assignment) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = exprSQL(a.Column) + " = " + exprSQL(a.Value)
	}
	return strings.Join(parts, ", ")
}

func (u *Update) String() string {
	s := "UPDATE " + u.Table.String() + dmlAliasSQL(u.Alias) + " SET " + assignmentsSQL(u.Set)
	if u.Where != nil {
		s += " WHERE " + exprSQL(u.Where)
	}
	return s
}

func (m *Merge) String() string {
	var b strings.Builder
	b.WriteString("MERGE INTO " + m.Target.String() + dmlAliasSQL(m.TargetAlias))
	b.WriteString(" USING " + m.Source.String() + " ON " + exprSQL(m.On))
	for _, c := range m.Clauses {
		switch c.Match {
		case WhenMatched:
			b.WriteString(" WHEN MATCHED")
		case WhenNotMatched:
			b.WriteString(" WHEN NOT MATCHED")
		case WhenNotMatchedBySource:
			b.WriteString(" WHEN NOT MATCHED BY SOURCE")
		}
		if c.Cond != nil {
			b.WriteString(" AND " + exprSQL(c.Cond))
		}
		b.WriteString(" THEN ")
		switch c.Action {
		case MergeDelete:
			b.WriteString("DELETE")
		case MergeUpdate:
			if c.Star {
				b.WriteString("UPDATE SET *")
			} else {
				b.WriteString("UPDATE SET " + assignmentsSQL(c.Set))
			}
		case MergeInsert:
			if c.Star {
				b.WriteString("INSERT *")
				break
			}
			b.WriteString("INSERT ")
			if len(c.Columns) > 0 {
				b.WriteString("(" + identList(c.Columns) + ") ")
			}
			b.WriteString("VALUES (" + exprList(c.Values) + ")")
		}
	}
	return b.String()
}

func (a *AlterTableAddColumns) String() string {
	return "ALTER TABLE " + a.Table.String() + " ADD COLUMNS " + columnDefsSQL(a.Columns)
}

func (a *AlterTableSetProperties) String() string {
	return "ALTER TABLE " + a.Table.String() + " SET TBLPROPERTIES " + propertyList(a.Properties)
}

func (a *AlterTableUnsetProperties) String() string {
	s := "ALTER TABLE " + a.Table.String() + " UNSET TBLPROPERTIES "
	if a.IfExists {
		s += "IF EXISTS "
	}
	keys := make([]string, len(a.Keys))
	for i, k := range a.Keys {
		keys[i] = propertyKey(k)
	}
	return s + "(" + strings.Join(keys, ", ") + ")"
}

func (a *AlterTableAddConstraint) String() string {
	return "ALTER TABLE " + a.Table.String() + " ADD CONSTRAINT " + quoteIdent(a.Name) + " CHECK (" + exprSQL(a.Check) + ")"
}

func (a *AlterTableDropConstraint) String() string {
	s := "ALTER TABLE " + a.Table.String() + " DROP CONSTRAINT "
	if a.IfExists {
		s += "IF EXISTS "
	}
	return s + quoteIdent(a.Name)
}

func (s *ShowTblProperties) String() string {
	out := "SHOW TBLPROPERTIES " + s.Table.String()
	if s.Key != nil {
		out += " (" + propertyKey(*s.Key) + ")"
	}
	return out
}

func (o *Optimize) String() string {
	s := "OPTIMIZE " + o.Table.String()
	if o.Where != nil {
		s += " WHERE " + exprSQL(o.Where)
	}
	if len(o.ZOrderBy) > 0 {
		s += " ZORDER BY (" + identList(o.ZOrderBy) + ")"
	}
	return s
}

func (v *Vacuum) String() string {
	s := "VACUUM " + v.Table.String()
	if v.RetainHours != nil {
		s += " RETAIN " + strconv.FormatFloat(*v.RetainHours, 'f', -1, 64) + " HOURS"
	}
	if v.DryRun {
		s += " DRY RUN"
	}
	return s
}

func (r *Restore) String() string {
	s := "RESTORE TABLE " + r.Table.String() + " TO "
	if r.Version != nil {
		return s + "VERSION AS OF " + strconv.FormatInt(*r.Version, 10)
	}
	return s + "TIMESTAMP AS OF " + quoteString(*r.Timestamp)
}

func (e *Explain) String() string {
	if e.Mode != "" {
		return "EXPLAIN " + e.Mode + " " + e.Statement.String()
	}
	return "EXPLAIN " + e.Statement.String()
}

func (s *SetConfig) String() string {
	switch {
	case s.Key == "":
		return "SET"
	case s.Value == nil:
		return "SET " + s.Key
	}
	return "SET " + s.Key + " = " + *s.Value
}

func (a *AlterTableRename) String() string {
	return "ALTER TABLE " + a.Table.String() + " RENAME TO " + a.To.String()
}

func (a *AlterTableAlterColumn) String() string {
	s := "ALTER TABLE " + a.Table.String() + " ALTER COLUMN " + quoteIdent(a.Column)
	switch {
	case a.Type != nil:
		return s + " TYPE " + a.Type.SQL()
	case a.Comment != nil:
		return s + " COMMENT " + quoteString(*a.Comment)
	case a.SetNotNull:
		return s + " SET NOT NULL"
	}
	return s + " DROP NOT NULL"
}

func (a *AlterTableDropColumns) String() string {
	s := "ALTER TABLE " + a.Table.String() + " DROP COLUMNS "
	if a.IfExists {
		s += "IF EXISTS "
	}
	return s + "(" + identList(a.Columns) + ")"
}

func (a *AlterTableRenameColumn) String() string {
	return "ALTER TABLE " + a.Table.String() + " RENAME COLUMN " + quoteIdent(a.From) + " TO " + quoteIdent(a.To)
}

func (s *ShowColumns) String() string { return "SHOW COLUMNS IN " + s.Table.String() }

func (s *ShowCreateTable) String() string { return "SHOW CREATE TABLE " + s.Table.String() }

func (s *ShowViews) String() string {
	out := "SHOW VIEWS"
	if s.Database != "" {
		out += " IN " + quoteQualifier(s.Database)
	}
	return out + optString("LIKE", s.Like)
}

func (c *ConvertToDelta) String() string {
	s := "CONVERT TO DELTA " + c.Table.String()
	if len(c.PartitionBy) > 0 {
		s += " PARTITIONED BY " + columnDefsSQL(c.PartitionBy)
	}
	return s
}
