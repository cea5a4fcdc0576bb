// Package sql is the Spark SQL front end: it turns SQL text into statement
// trees. The lexer knows Spark's tokens (backquoted identifiers, quoted
// strings with backslash escapes, typed numeric literals, comments); the
// recursive-descent parser builds statements (DDL, DML, Delta commands) and
// queries whose expressions are already internal/expr nodes, keeping the
// query tree close to the logical plan's shape (relations, joins, filters,
// grouping, set operations, CTEs) so translation to a plan is direct.
// Every node renders back to canonical SQL with String().
//
// It knows nothing of catalogs, tables, plans or execution: names are left
// unresolved and types of columns unknown. Only the types of literals and of
// explicit casts are decided here.
package sql
