package sql

import (
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// Statement is one parsed SQL statement. String renders it as canonical
// SQL that parses back to an equal statement.
type Statement interface {
	String() string
	statement()
}

// TableName names a table in the catalog (Catalog and Database may be
// empty) or, when Path is set, a path-addressed table such as
// delta.`/data/events` (Format "delta", Path "/data/events").
type TableName struct {
	Catalog  string
	Database string
	Name     string
	Format   string
	Path     string
}

// IsPath reports whether the name addresses a table by its location.
func (n TableName) IsPath() bool { return n.Path != "" }

// Property is one KEY = VALUE of DBPROPERTIES/TBLPROPERTIES/OPTIONS.
// Values are kept as strings as Spark stores them: an unquoted true or 42
// becomes "true" or "42".
type Property struct {
	Key   string
	Value string
}

// ColumnDef is one column of CREATE TABLE or ALTER TABLE ADD COLUMNS.
type ColumnDef struct {
	Name    string
	Type    types.DataType
	NotNull bool
	Comment *string
	// Generated is Delta's GENERATED ALWAYS AS (expr); Default is
	// DEFAULT expr. Both nil when absent.
	Generated expr.Expr
	Default   expr.Expr
}

// Assignment is `column = value` of UPDATE SET and MERGE ... UPDATE SET.
type Assignment struct {
	Column *expr.ColumnRef
	Value  expr.Expr
}

// CreateDatabase is CREATE DATABASE|SCHEMA.
type CreateDatabase struct {
	Name        string
	IfNotExists bool
	Comment     *string
	Location    *string
	Properties  []Property
}

// DropDatabase is DROP DATABASE|SCHEMA [IF EXISTS] name [RESTRICT|CASCADE].
type DropDatabase struct {
	Name     string
	IfExists bool
	Cascade  bool
}

// Use is USE [DATABASE] name.
type Use struct{ Name string }

// ShowDatabases is SHOW DATABASES|SCHEMAS [LIKE 'pattern'].
type ShowDatabases struct{ Like *string }

// ShowTables is SHOW TABLES [FROM|IN db] [LIKE 'pattern'].
type ShowTables struct {
	Database string
	Like     *string
}

// DescribeTable is DESCRIBE [TABLE] [EXTENDED] name.
type DescribeTable struct {
	Table    TableName
	Extended bool
}

// DescribeDatabase is DESCRIBE DATABASE [EXTENDED] name.
type DescribeDatabase struct {
	Name     string
	Extended bool
}

// DescribeHistory is Delta's DESCRIBE HISTORY name [LIMIT n].
type DescribeHistory struct {
	Table TableName
	Limit *int64
}

// DescribeDetail is Delta's DESCRIBE DETAIL name.
type DescribeDetail struct{ Table TableName }

// CreateTable is CREATE [OR REPLACE] TABLE ... [USING fmt] ... [AS query].
// Provider is lower case ("delta"); empty when no USING was given.
type CreateTable struct {
	Name        TableName
	OrReplace   bool
	IfNotExists bool
	Columns     []ColumnDef
	Provider    string
	PartitionBy []string
	ClusterBy   []string // Delta liquid clustering: CLUSTER BY (cols)
	Location    *string
	Comment     *string
	Properties  []Property
	As          *Query
	Like        *TableName // CREATE TABLE t LIKE s
	// Clone is CREATE TABLE t [SHALLOW|DEEP] CLONE source; Shallow tells
	// which.
	Clone   *TableName
	Shallow bool
}

// CreateView is CREATE [OR REPLACE] [GLOBAL] [TEMPORARY] VIEW name
// [(cols)] AS query.
type CreateView struct {
	Name        TableName
	OrReplace   bool
	IfNotExists bool
	Temporary   bool
	Global      bool
	Columns     []string
	As          *Query
}

// DropTable is DROP TABLE|VIEW [IF EXISTS] name.
type DropTable struct {
	Name     TableName
	IfExists bool
	View     bool
}

// Insert is INSERT INTO|OVERWRITE [TABLE] name [(cols)] query; a VALUES
// list arrives as a query whose body is *Values.
type Insert struct {
	Table     TableName
	Overwrite bool
	Columns   []string
	// ReplaceWhere is Delta's INSERT INTO t REPLACE WHERE cond query: rows
	// matching cond are replaced by the query's rows.
	ReplaceWhere expr.Expr
	Query        *Query
}

// Delete is DELETE FROM name [[AS] alias] [WHERE cond].
type Delete struct {
	Table TableName
	Alias string
	Where expr.Expr
}

// Update is UPDATE name [[AS] alias] SET c = e, ... [WHERE cond].
type Update struct {
	Table TableName
	Alias string
	Set   []Assignment
	Where expr.Expr
}

// MergeMatch says which rows a WHEN clause of MERGE applies to.
type MergeMatch int

const (
	WhenMatched MergeMatch = iota
	WhenNotMatched
	WhenNotMatchedBySource
)

// MergeAction is what a WHEN clause of MERGE does.
type MergeAction int

const (
	MergeUpdate MergeAction = iota
	MergeDelete
	MergeInsert
)

// MergeClause is one WHEN clause. Star is UPDATE SET * / INSERT *; Set
// holds UPDATE assignments; Columns and Values the INSERT (Columns may be
// empty for INSERT VALUES (...) in target column order).
type MergeClause struct {
	Match   MergeMatch
	Cond    expr.Expr
	Action  MergeAction
	Star    bool
	Set     []Assignment
	Columns []string
	Values  []expr.Expr
}

// Merge is MERGE INTO target USING source ON cond WHEN ...
type Merge struct {
	Target      TableName
	TargetAlias string
	Source      Relation
	On          expr.Expr
	Clauses     []MergeClause
}

// AlterTableAddColumns is ALTER TABLE name ADD COLUMNS (...).
type AlterTableAddColumns struct {
	Table   TableName
	Columns []ColumnDef
}

// AlterTableSetProperties is ALTER TABLE name SET TBLPROPERTIES (...).
type AlterTableSetProperties struct {
	Table      TableName
	Properties []Property
}

// AlterTableUnsetProperties is ALTER TABLE name UNSET TBLPROPERTIES
// [IF EXISTS] (keys).
type AlterTableUnsetProperties struct {
	Table    TableName
	IfExists bool
	Keys     []string
}

// AlterTableAddConstraint is ALTER TABLE name ADD CONSTRAINT n CHECK (e).
type AlterTableAddConstraint struct {
	Table TableName
	Name  string
	Check expr.Expr
}

// AlterTableDropConstraint is ALTER TABLE name DROP CONSTRAINT [IF EXISTS] n.
type AlterTableDropConstraint struct {
	Table    TableName
	Name     string
	IfExists bool
}

// AlterTableRename is ALTER TABLE name RENAME TO new.
type AlterTableRename struct {
	Table TableName
	To    TableName
}

// AlterTableAlterColumn is ALTER TABLE name ALTER|CHANGE [COLUMN] col
// followed by one change: TYPE t, COMMENT 'c', SET NOT NULL or DROP NOT
// NULL.
type AlterTableAlterColumn struct {
	Table       TableName
	Column      string
	Type        types.DataType
	Comment     *string
	SetNotNull  bool
	DropNotNull bool
}

// AlterTableDropColumns is ALTER TABLE name DROP COLUMN[S] [IF EXISTS] ...
type AlterTableDropColumns struct {
	Table    TableName
	IfExists bool
	Columns  []string
}

// AlterTableRenameColumn is ALTER TABLE name RENAME COLUMN a TO b.
type AlterTableRenameColumn struct {
	Table    TableName
	From, To string
}

// ShowColumns is SHOW COLUMNS FROM|IN table [FROM|IN db].
type ShowColumns struct{ Table TableName }

// ShowCreateTable is SHOW CREATE TABLE name.
type ShowCreateTable struct{ Table TableName }

// ShowViews is SHOW VIEWS [FROM|IN db] [LIKE 'pattern'].
type ShowViews struct {
	Database string
	Like     *string
}

// ConvertToDelta is CONVERT TO DELTA parquet.`/path` [PARTITIONED BY (col type, ...)].
type ConvertToDelta struct {
	Table       TableName
	PartitionBy []ColumnDef
}

// ShowTblProperties is SHOW TBLPROPERTIES name [(key)].
type ShowTblProperties struct {
	Table TableName
	Key   *string
}

// Optimize is Delta's OPTIMIZE name [WHERE cond] [ZORDER BY (cols)].
type Optimize struct {
	Table    TableName
	Where    expr.Expr
	ZOrderBy []string
}

// Vacuum is Delta's VACUUM name [RETAIN n HOURS] [DRY RUN].
type Vacuum struct {
	Table       TableName
	RetainHours *float64
	DryRun      bool
}

// Restore is Delta's RESTORE [TABLE] name [TO] VERSION|TIMESTAMP AS OF x.
type Restore struct {
	Table     TableName
	Version   *int64
	Timestamp *string
}

// Explain is EXPLAIN [EXTENDED|CODEGEN|COST|FORMATTED] statement; Mode is
// upper case or empty.
type Explain struct {
	Mode      string
	Statement Statement
}

// SetConfig is SET key = value, SET key (Value nil) or SET (both empty).
type SetConfig struct {
	Key   string
	Value *string
}

func (*CreateDatabase) statement()            {}
func (*DropDatabase) statement()              {}
func (*Use) statement()                       {}
func (*ShowDatabases) statement()             {}
func (*ShowTables) statement()                {}
func (*DescribeTable) statement()             {}
func (*DescribeDatabase) statement()          {}
func (*DescribeHistory) statement()           {}
func (*DescribeDetail) statement()            {}
func (*CreateTable) statement()               {}
func (*CreateView) statement()                {}
func (*DropTable) statement()                 {}
func (*Insert) statement()                    {}
func (*Delete) statement()                    {}
func (*Update) statement()                    {}
func (*Merge) statement()                     {}
func (*AlterTableAddColumns) statement()      {}
func (*AlterTableSetProperties) statement()   {}
func (*AlterTableUnsetProperties) statement() {}
func (*AlterTableAddConstraint) statement()   {}
func (*AlterTableDropConstraint) statement()  {}
func (*ShowTblProperties) statement()         {}
func (*AlterTableRename) statement()          {}
func (*AlterTableAlterColumn) statement()     {}
func (*AlterTableDropColumns) statement()     {}
func (*AlterTableRenameColumn) statement()    {}
func (*ShowColumns) statement()               {}
func (*ShowCreateTable) statement()           {}
func (*ShowViews) statement()                 {}
func (*ConvertToDelta) statement()            {}
func (*Optimize) statement()                  {}
func (*Vacuum) statement()                    {}
func (*Restore) statement()                   {}
func (*Explain) statement()                   {}
func (*SetConfig) statement()                 {}
func (*Query) statement()                     {}
