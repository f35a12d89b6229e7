#!/usr/bin/env bash
# bench/pg_hook_cost.sh -- the cost per statement of vigil's executor hooks, measured where
# nothing else interferes: one backend runs N point selects in a PL/pgSQL loop (prepared once,
# executed N times through the executor, as a client's prepared statement is) and reports the
# wall time per statement.  Base (no preload), vigil (vigil.track = all) and pg_stat_statements
# (pg_stat_statements.track = all) take turns; the minimum over the rounds is the figure least
# disturbed by other load on the machine, and the difference to the base is what the hooks cost.
#
#   make && bench/pg_hook_cost.sh [ROUNDS [N]]     (defaults: 15 rounds, 200000 statements)
#
# Same clusters and private copy of vigil.so as bench/pgbench_query_stats.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-15}
N=${2:-200000}
read -r -a PORTS <<<"${VIGIL_BENCH_PORTS:-55454 55464 55474}"
LIB=/tmp/vigil-bench-lib
[ -f vigil.so ] || { echo "build first: make" >&2; exit 1; }
mkdir -p "$LIB" && cp vigil.so "$LIB/vigil.so" && chmod -R a+rX "$LIB"
PRELOAD=("" "--preload=$LIB/vigil.so" "--preload=pg_stat_statements")
TRACK=("" "SET vigil.track = 'all';" "SET pg_stat_statements.track = 'all';")

cluster() {
  VIGIL_PG_PORT=${PORTS[$1]} VIGIL_PG_DIR=/tmp/vigil-bench-${PORTS[$1]} \
    scripts/pg-cluster.sh "$2" ${3:+"$3"}
}
pg() {
  local i=$1
  shift
  PGHOST=/tmp/vigil-bench-${PORTS[$i]} PGPORT=${PORTS[$i]} PGUSER=postgres PGDATABASE=postgres "$@"
}
cleanup() { for i in 0 1 2; do cluster "$i" stop || true; done; }
trap cleanup EXIT

for i in 0 1 2; do
  cluster "$i" start "${PRELOAD[$i]}"
  pg "$i" pgbench -i -s 5 -q >/dev/null 2>&1
  pg "$i" psql -Xq <<'SQL'
VACUUM ANALYZE;
CREATE FUNCTION bench_loop(n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  b int;
BEGIN
  FOR i IN 1..n LOOP
    SELECT abalance INTO b FROM pgbench_accounts WHERE aid = 1 + (i * 7919) % 500000;
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END $$;
SQL
done
pg 1 psql -Xq <<SQL
CREATE FUNCTION bench_query_stats(OUT fingerprint text, OUT query text, OUT calls bigint,
  OUT total_ms float8, OUT mean_ms float8, OUT min_ms float8, OUT max_ms float8,
  OUT stddev_ms float8, OUT rows bigint, OUT errors bigint)
RETURNS SETOF record AS '$LIB/vigil', 'vigil_query_stats' LANGUAGE C;
SQL
one() { pg "$1" psql -XAtqc "${TRACK[$1]} SELECT round(bench_loop($N)::numeric, 3)"; }
for i in 0 1 2; do one "$i" >/dev/null; done  # warm-up

echo "machine: $(nproc) cores, PostgreSQL $(pg_config --version | cut -d' ' -f2); $N statements per round"
printf "%-6s %10s %10s %20s   (us per statement)\n" round base vigil pg_stat_statements
declare -A US
for ((r = 1; r <= ROUNDS; r++)); do
  for k in 0 1 2; do
    i=$(((r + k) % 3))
    US[$r,$i]=$(one "$i")
  done
  printf "%-6s %10s %10s %20s\n" "$r" "${US[$r,0]}" "${US[$r,1]}" "${US[$r,2]}"
done
for i in 0 1 2; do
  MIN[$i]=$(for ((r = 1; r <= ROUNDS; r++)); do echo "${US[$r,$i]}"; done | sort -n | head -1)
  MED[$i]=$(for ((r = 1; r <= ROUNDS; r++)); do echo "${US[$r,$i]}"; done | sort -n |
    awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
done
awk -v b="${MIN[0]}" -v v="${MIN[1]}" -v p="${MIN[2]}" 'BEGIN {
  printf "best rounds: base %.3f, vigil %.3f (+%.3f us, %.3fx), pg_stat_statements %.3f (+%.3f us, %.3fx)\n", b, v, v - b, b / v, p, p - b, b / p }'
awk -v b="${MED[0]}" -v v="${MED[1]}" -v p="${MED[2]}" 'BEGIN {
  printf "medians:     base %.3f, vigil %.3f (%.3fx), pg_stat_statements %.3f (%.3fx)\n", b, v, b / v, p, b / p }'
counted=$(pg 1 psql -XAtc "SELECT calls FROM bench_query_stats()
  WHERE query LIKE 'select abalance from pgbench_accounts where aid = ? + (i * ?) % ?'")
expected=$(((ROUNDS + 1) * N))
echo "vigil counted $counted executions of the loop's select (expected $expected)"
[ "$counted" = "$expected" ]
