package sql

import "testing"

// FuzzParse checks that no input makes the parser panic and that whatever
// parses renders to text that parses back to the same rendering.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		benchQuery,
		"SELECT a, b FROM t WHERE a IN (1, 2) AND b LIKE 'x%' ORDER BY 1",
		"MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
		"CREATE TABLE t (a INT, b STRUCT<c: ARRAY<INT>>) USING DELTA TBLPROPERTIES (x = 1)",
		"SELECT CAST(x AS DECIMAL(10,2)), DATE '2024-01-01', INTERVAL '1' DAY, 1.5e3, 10L, X'AB'",
		"WITH c AS (SELECT 1) SELECT * FROM c UNION ALL (SELECT 2 LIMIT 1)",
		"SELECT sum(x) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
		`ALTER TABLE t ADD CONSTRAINT c CHECK (s <> '\u000000' AND s <> '\0001')`,
		"SELECT NOT NOT a, - ~ - 1, 1 + 2 - 3 || 'x' || y, a AND b AND c AND d OR e OR f, -0D, -0.0, 1e308D",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		st, err := Parse(text)
		if err != nil {
			return
		}
		out := st.String()
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("rendering of %q does not parse: %q: %v", text, out, err)
		}
		if again := back.String(); again != out {
			t.Fatalf("round trip of %q changed:\n%s\n%s", text, out, again)
		}
	})
}
