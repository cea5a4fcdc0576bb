package sql

// GoldenCase is one query of a SQLQueryTestSuite-shaped golden file, for
// the external test package (oracle_test.go), which reads the files with
// the same goldenBlocks the corpus tests use.
type GoldenCase struct {
	Query  string
	Schema string // struct<...>; empty when Spark failed
	Output string // the rows, or the exception
	Failed bool   // Spark answered with an exception
}

// GoldenCases reads the "-- !query" blocks of a golden file.
func GoldenCases(text string) []GoldenCase {
	bs := goldenBlocks(text)
	out := make([]GoldenCase, len(bs))
	for i, b := range bs {
		out[i] = GoldenCase{Query: b.query, Schema: b.schema, Output: b.output, Failed: b.failed}
	}
	return out
}

// QueryHasOrder reports whether text is a query whose result order is
// defined (a top-level ORDER BY), as SQLQueryTestSuite decides whether to
// sort before comparing. A statement that does not parse has none.
func QueryHasOrder(text string) bool {
	st, err := Parse(text)
	if err != nil {
		return false
	}
	q, ok := st.(*Query)
	return ok && hasTopLevelOrder(q)
}

// FailureKey groups error messages: the first line without the position.
func FailureKey(msg string) string { return failureKey(firstLineOf(msg)) }
