#!/bin/sh
# Usage: bench/run.sh          run the DuckDB interop tests (for CI)
#        bench/run.sh bench    run the paired benchmarks and print the
#                              ingot/DuckDB time ratios (extra args go to go test)
#
# The interop tests run only the root bench package: bench/api imports the
# root ingot package, which may not build while it is being worked on, and
# that must not stop the interop checks (which skip the CLI test instead).
# The first run builds DuckDB's cgo bindings, which takes minutes.
set -eu
cd "$(dirname "$0")"
export CGO_ENABLED=1
# The main module gains dependencies as it grows; -mod=mod lets bench's own
# go.mod follow (through the replace) instead of failing with "updates to
# go.mod needed".
export GOFLAGS="${GOFLAGS:-} -mod=mod"

if [ "${1:-}" != bench ]; then
	exec go test -count=1 -run Interop "$@" .
fi
shift
out=$(mktemp)
# duckdb_arrow lets DuckDB hand Arrow batches to Go, like ingot does.
rc=$(mktemp)
trap 'rm -f "$out" "$rc"' EXIT
{ go test -tags duckdb_arrow -run '^$' -bench . -count "${COUNT:-3}" "$@" . ./api; echo $? > "$rc"; } 2>&1 | tee "$out"
[ "$(cat "$rc")" = 0 ] || exit 1
# Per benchmark: median ns/op of each engine alone, and the median of the
# paired sub-benchmark's ingot/duckdb ratio (both engines timed alternately
# in the same iterations, so machine load hits both alike). >1: ingot slower.
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	split(name, p, "/"); base = p[1]; sub_ = p[2]; names[base] = 1
	if (sub_ == "engine=ingot" || sub_ == "engine=duckdb") add(base SUBSEP sub_, $3)
	if (sub_ == "paired") for (i = 4; i < NF; i++) if ($(i + 1) == "ingot/duckdb") add(base SUBSEP "ratio", $i)
}
function add(k, x) { n[k]++; v[k, n[k]] = x + 0 }
function median(k,   i, j, t, m) {
	m = n[k]
	if (!m) return -1
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[k, j] < v[k, i]) { t = v[k, i]; v[k, i] = v[k, j]; v[k, j] = t }
	return m % 2 ? v[k, (m + 1) / 2] : (v[k, m / 2] + v[k, m / 2 + 1]) / 2
}
END {
	printf "\n%-24s %14s %14s %10s %13s\n", "benchmark", "ingot ns/op", "duckdb ns/op", "alone", "paired ratio"
	for (b in names) {
		a = median(b SUBSEP "engine=ingot"); d = median(b SUBSEP "engine=duckdb"); r = median(b SUBSEP "ratio")
		printf "%-24s %14d %14d %10.2f %13.2f\n", b, a, d, (d > 0 ? a / d : 0), r
	}
}' "$out"
