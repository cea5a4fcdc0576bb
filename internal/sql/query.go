package sql

import "github.com/ingotdata/ingot/internal/expr"

// Query is a full query: optional CTEs, a body, and the ORDER BY / LIMIT /
// OFFSET that apply to the body's result. It is a Statement and, nested in
// parentheses, a QueryBody of its own.
type Query struct {
	With    []CTE
	Body    QueryBody
	OrderBy []*expr.SortOrder
	Limit   expr.Expr // nil when absent
	Offset  expr.Expr // nil when absent
}

// CTE is one `name [(cols)] AS (query)` of a WITH clause.
type CTE struct {
	Name    string
	Columns []string
	Query   *Query
}

// QueryBody is what produces a query's rows: *Select, *SetOp, *Values or a
// parenthesised *Query.
type QueryBody interface {
	String() string
	queryBody()
}

// Select is one SELECT block. Items are the projection: an aliased item is
// an *expr.Alias, `*` and `t.*` are *expr.Star. From is nil for SELECT
// without FROM. GroupBy may hold integer literals (ordinals) that the
// planner resolves against Items, as Spark does.
type Select struct {
	Distinct bool
	Items    []expr.Expr
	From     Relation
	Where    expr.Expr
	GroupBy  []expr.Expr
	Having   expr.Expr
	Windows  []NamedWindow // WINDOW w AS (...)
}

// NamedWindow is one definition of a WINDOW clause; Spec has a nil Func.
type NamedWindow struct {
	Name string
	Spec *WindowCall
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind int

const (
	Union SetOpKind = iota
	Intersect
	Except
)

func (k SetOpKind) String() string {
	switch k {
	case Intersect:
		return "INTERSECT"
	case Except:
		return "EXCEPT"
	}
	return "UNION"
}

// SetOp combines two query bodies. All keeps duplicates (UNION ALL);
// without it the result is distinct, as in SQL.
type SetOp struct {
	Kind        SetOpKind
	All         bool
	Left, Right QueryBody
}

// Values is an inline table VALUES (..), (..) used as a query body.
type Values struct {
	Rows [][]expr.Expr
}

func (*Select) queryBody() {}
func (*SetOp) queryBody()  {}
func (*Values) queryBody() {}
func (*Query) queryBody()  {}

// Relation is an item of a FROM clause.
type Relation interface {
	String() string
	relation()
}

// TimeTravel selects an older snapshot of a Delta table: VERSION AS OF n
// or TIMESTAMP AS OF 'ts' (exactly one is set).
type TimeTravel struct {
	Version   *int64
	Timestamp expr.Expr
}

// Table reads a catalog or path-addressed table.
type Table struct {
	Name       TableName
	TimeTravel *TimeTravel
	Alias      string
	Columns    []string // column aliases: t AS x(a, b)
}

// Subquery is a parenthesised query in FROM; Alias may be empty.
type Subquery struct {
	Query   *Query
	Alias   string
	Columns []string
}

// InlineTable is VALUES (..), (..) [AS] t(a, b) in FROM.
type InlineTable struct {
	Rows    [][]expr.Expr
	Alias   string
	Columns []string
}

// TableFunction is a table-valued function call in FROM, such as
// table_changes('t', 1, 3) or range(10). Name is lower case.
type TableFunction struct {
	Name    string
	Args    []expr.Expr
	Alias   string
	Columns []string
}

// JoinType is the kind of a join.
type JoinType int

const (
	InnerJoin JoinType = iota
	LeftJoin
	RightJoin
	FullJoin
	CrossJoin
	LeftSemiJoin
	LeftAntiJoin
)

func (j JoinType) String() string {
	switch j {
	case LeftJoin:
		return "LEFT OUTER JOIN"
	case RightJoin:
		return "RIGHT OUTER JOIN"
	case FullJoin:
		return "FULL OUTER JOIN"
	case CrossJoin:
		return "CROSS JOIN"
	case LeftSemiJoin:
		return "LEFT SEMI JOIN"
	case LeftAntiJoin:
		return "LEFT ANTI JOIN"
	}
	return "JOIN"
}

// Join combines two relations. A comma in FROM is a CrossJoin with no
// condition. At most one of On and Using is set; Natural joins on the
// common column names.
type Join struct {
	Type        JoinType
	Natural     bool
	Left, Right Relation
	On          expr.Expr
	Using       []string
}

func (*Table) relation()         {}
func (*Subquery) relation()      {}
func (*InlineTable) relation()   {}
func (*TableFunction) relation() {}
func (*Join) relation()          {}
