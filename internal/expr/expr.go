package expr

import (
	"github.com/ingotdata/ingot/types"
)

// Expr is a node of an expression tree. Trees built by the DataFrame API and
// by the SQL front end are unresolved (ColumnRef, Star, untyped calls); the
// analyzer in package plan binds them to an input schema, replacing each
// ColumnRef by a BoundRef, before they are evaluated.
type Expr interface {
	// String renders the expression the way Spark names an unaliased output
	// column: "device_id", "CAST(mrn AS BIGINT)", "(time / 1000000.0)",
	// "avg(heartrate)", "count(1)".
	String() string
	// Children are the direct sub-expressions, in order.
	Children() []Expr
	// WithChildren returns a copy of the node with its children replaced
	// (len(ch) == len(Children())).
	WithChildren(ch []Expr) Expr
}

// ColumnRef is an unresolved reference to a column, optionally qualified by a
// relation name or alias ("p.name").
type ColumnRef struct {
	Qualifier string // "" when unqualified
	Name      string
}

// BoundRef is a resolved reference to column Index of the input batch.
type BoundRef struct {
	Index    int
	Name     string
	Type     types.DataType
	Nullable bool
}

// Literal is a constant. Value holds the Go form of a value of Type:
// nil (NULL), bool, int8, int16, int32, int64, float32, float64, string,
// []byte, Decimal, or for DATE int32 days and for TIMESTAMP/TIMESTAMP_NTZ
// int64 microseconds since the epoch.
type Literal struct {
	Value any
	Type  types.DataType
}

// Decimal is a decimal literal value: Unscaled * 10^-Scale, with Unscaled
// held as a decimal digit string to avoid a big-number dependency here.
type Decimal struct {
	Unscaled  string
	Precision int
	Scale     int
}

// Alias names its child's output column.
type Alias struct {
	Child Expr
	Name  string
}

// Cast converts its child to To with Spark's (non-ANSI) cast semantics:
// values that do not convert become NULL.
type Cast struct {
	Child Expr
	To    types.DataType
	// Implicit marks a cast inserted by Coerce: Spark leaves such casts out
	// of generated column names, so String renders only the child.
	Implicit bool
}

// BinaryOperator is an arithmetic, comparison or logical operator.
type BinaryOperator string

const (
	OpAdd      BinaryOperator = "+"
	OpSub      BinaryOperator = "-"
	OpMul      BinaryOperator = "*"
	OpDiv      BinaryOperator = "/"
	OpMod      BinaryOperator = "%"
	OpEq       BinaryOperator = "="
	OpNotEq    BinaryOperator = "!="
	OpLt       BinaryOperator = "<"
	OpLtEq     BinaryOperator = "<="
	OpGt       BinaryOperator = ">"
	OpGtEq     BinaryOperator = ">="
	OpNullSafe BinaryOperator = "<=>"
	OpAnd      BinaryOperator = "AND"
	OpOr       BinaryOperator = "OR"
	// OpIntDiv is Spark's integral division (a DIV b): the truncated
	// quotient as BIGINT, NULL for a zero divisor. Its text matches the
	// operator kind the SQL parser has always produced.
	OpIntDiv BinaryOperator = "DIV"
	// Bitwise operators on integers (the operand types widened to one).
	OpBitAnd BinaryOperator = "&"
	OpBitOr  BinaryOperator = "|"
	OpBitXor BinaryOperator = "^"
)

// Binary applies Op to Left and Right.
type Binary struct {
	Op          BinaryOperator
	Left, Right Expr
}

// UnaryOperator is a prefix or postfix operator of one operand.
type UnaryOperator string

const (
	OpNot       UnaryOperator = "NOT"
	OpNeg       UnaryOperator = "-"
	OpIsNull    UnaryOperator = "IS NULL"
	OpIsNotNull UnaryOperator = "IS NOT NULL"
	OpBitNot    UnaryOperator = "~"
)

// Unary applies Op to Child.
type Unary struct {
	Op    UnaryOperator
	Child Expr
}

// Call is a scalar function call resolved by name (case-insensitive) in the
// function registry: ceil, abs, upper, coalesce, ...
type Call struct {
	Name string
	Args []Expr
}

// AggCall is an aggregate function call: avg, count, sum, min, max. A
// count(*) has Star set and no Args.
type AggCall struct {
	Name     string
	Args     []Expr
	Distinct bool
	Star     bool
}

// Star is `*` or `q.*` in a projection; the analyzer expands it.
type Star struct {
	Qualifier string
}

// SortOrder orders rows by Child. Spark's default null ordering is NULLS
// FIRST for ascending and NULLS LAST for descending.
type SortOrder struct {
	Child      Expr
	Desc       bool
	NullsFirst bool
}

// CaseWhen is CASE WHEN c1 THEN v1 ... ELSE e END (Else may be nil).
type CaseWhen struct {
	Whens []When
	Else  Expr
}

// When is one branch of a CaseWhen.
type When struct {
	Cond, Value Expr
}

// In is `Child [NOT] IN (List...)`.
type In struct {
	Child Expr
	List  []Expr
	Not   bool
}

// Like is `Child [NOT] LIKE Pattern` with SQL wildcards % and _.
type Like struct {
	Child, Pattern Expr
	Not            bool
}
