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
# Ratio of median ns/op per benchmark: ingot time / DuckDB time (>1: slower).
awk '
/^Benchmark.*engine=/ {
	split($1, p, "/engine="); name = p[1]; eng = p[2]; sub(/-[0-9]+$/, "", eng)
	k = name SUBSEP eng; n[k]++; v[k, n[k]] = $3; names[name] = 1
}
function median(k,   i, j, t, m) {
	m = n[k]
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[k, j] < v[k, i]) { t = v[k, i]; v[k, i] = v[k, j]; v[k, j] = t }
	return v[k, int((m + 1) / 2)]
}
END {
	printf "\n%-28s %14s %14s %8s\n", "benchmark", "ingot ns/op", "duckdb ns/op", "ratio"
	for (name in names) {
		a = name SUBSEP "ingot"; b = name SUBSEP "duckdb"
		if (n[a] && n[b]) printf "%-28s %14d %14d %8.2f\n", name, median(a), median(b), median(a) / median(b)
	}
}' "$out"
