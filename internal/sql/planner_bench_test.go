package sql

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkPlanQuery measures planning a join-aggregate-sort query (the
// parse is done once, outside the loop).
func BenchmarkPlanQuery(b *testing.B) {
	st, err := Parse(`WITH hot AS (SELECT * FROM VALUES (1, 100L, 60.5D), (2, 200L, 90.1D) AS r(device_id, mrn, heartrate))
		SELECT p.name, avg(h.heartrate) AS hr, count(*) FROM hot h JOIN VALUES (100L, 'a'), (200L, 'b') AS p(mrn, name) ON h.mrn = p.mrn
		GROUP BY p.name HAVING count(*) > 0 ORDER BY count(*) DESC LIMIT 10`)
	if err != nil {
		b.Fatal(err)
	}
	q := st.(*Query)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PlanQuery(ctx, q, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInlineTable measures turning a 1000-row VALUES list into an
// Arrow LocalRelation (INSERT INTO ... VALUES goes through it).
func BenchmarkInlineTable(b *testing.B) {
	const rows = 1000
	var sb strings.Builder
	sb.WriteString("VALUES ")
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "(%d, 'name %d', %d.5, NULL)", i, i, i)
	}
	st, err := Parse(sb.String())
	if err != nil {
		b.Fatal(err)
	}
	q := st.(*Query)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		if _, err := PlanQuery(ctx, q, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
