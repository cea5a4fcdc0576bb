package sql

import "testing"

// benchQuery is a mid-sized analytic query of the kind the gold layer
// runs: a CTE, joins, a CASE, grouping, HAVING, a window and ordering.
const benchQuery = `
WITH recent AS (
  SELECT device_id, mrn, CAST(time / 1000000.0 AS TIMESTAMP) AS ts, heartrate
  FROM healthcare_dlh.fact_heartbeat_silver
  WHERE heartrate BETWEEN 30 AND 220 AND device_id IS NOT NULL
)
SELECT p.mrn, p.name, date_trunc('HOUR', r.ts) AS hour,
       count(*) AS readings, avg(r.heartrate) AS avg_hr, CEIL(max(r.heartrate)) AS max_hr,
       CASE WHEN avg(r.heartrate) > 100 THEN 'high' WHEN avg(r.heartrate) < 50 THEN 'low' ELSE 'normal' END AS band,
       rank() OVER (PARTITION BY p.mrn ORDER BY avg(r.heartrate) DESC) AS rk
FROM recent r
JOIN healthcare_dlh.dim_patient p ON r.mrn = p.mrn
LEFT JOIN healthcare_dlh.dim_device d USING (device_id)
WHERE p.name LIKE 'C%' OR d.model IN ('a1', 'b2', 'c3')
GROUP BY p.mrn, p.name, date_trunc('HOUR', r.ts)
HAVING count(*) >= 10
ORDER BY hour DESC NULLS LAST, p.mrn
LIMIT 100`

// BenchmarkParse measures parsing one mid-sized query end to end (lexing,
// parsing, literal typing).
func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(benchQuery)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(benchQuery); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "stmts/s")
}
