// Package sql is the Spark SQL front end: it turns SQL text into statement
// trees, and queries into logical plans (PlanQuery, planner*.go). The lexer knows Spark's tokens (backquoted identifiers, quoted
// strings with backslash escapes, typed numeric literals, comments); the
// recursive-descent parser builds statements (DDL, DML, Delta commands) and
// queries whose expressions are already internal/expr nodes, keeping the
// query tree close to the logical plan's shape (relations, joins, filters,
// grouping, set operations, CTEs) so translation to a plan is direct.
// Every statement renders back to canonical SQL with String() (and an
// expression with FormatExpr) that parses to the same tree.
//
// The parser knows nothing of catalogs, tables or execution: names are left
// unresolved and column types unknown. Only the types of literals and of
// explicit casts are decided here, as Spark's parser decides them. The
// planner builds internal/plan nodes — the same ones the DataFrame API
// builds — and finds tables only through the Resolver its caller supplies;
// it neither executes nor reaches storage. Commands (CREATE, DROP, INSERT,
// DML) are run by the session, not here.
//
// Some syntax is rewritten while parsing, as Spark's own parser does, so
// later stages see fewer forms:
//
//   - a BETWEEN b AND c is (a >= b) AND (a <= c); NOT BETWEEN negates it.
//   - x IS [NOT] TRUE/FALSE is [NOT] (x <=> TRUE/FALSE); IS [NOT] DISTINCT
//     FROM is [NOT] <=>; IS UNKNOWN is IS NULL.
//   - CASE x WHEN v THEN ... is CASE WHEN x = v THEN ...
//   - a || b is concat(a, b); TRY_CAST is Cast (non-ANSI casts never fail).
//   - RLIKE/REGEXP and ILIKE are calls rlike(a, p) and ilike(a, p); LIKE
//     with ESCAPE is like(a, p, esc); LIKE ANY/ALL (...) is like_any(...).
//   - agg(x) FILTER (WHERE c) is agg(CASE WHEN c THEN x END);
//     first(x) IGNORE NULLS is first(x, TRUE).
//   - EXTRACT(f FROM x) is date_part('F', x); POSITION(a IN b) is
//     locate(a, b); TRIM(LEADING c FROM s) is ltrim(s, c).
//   - (a, b) is struct(a, b); f(x).y is Subscript{f(x), 'y'}; a.b.c is a
//     ColumnRef with Qualifier "a.b".
//   - GROUP BY ... WITH ROLLUP/CUBE is rollup(...)/cube(...); GROUP BY ALL
//     is a ColumnRef named ALL, resolved by the analyzer as in Spark.
//   - VALUES ... AS t(a) as a query is SELECT * FROM that inline table;
//     (a JOIN b) AS j(x, y) in FROM is a Subquery over SELECT * of the join.
//   - A minus sign directly before a number is part of the literal, so
//     -2147483648 is an INT.
//
// Forms with no internal/expr node are this package's own expr.Expr
// nodes: ScalarSubquery, Exists, InSubquery, WindowCall, Interval,
// Subscript, Lambda, GroupingSets, MultiAlias.
package sql
