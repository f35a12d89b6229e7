#!/usr/bin/env bash
# bench/pgbench_query_stats.sh -- the per-statement cost of vigil's query statistics in
# PostgreSQL, side by side with pg_stat_statements, which is what a user would otherwise run.
#
# Three throw-away clusters, started alike (scripts/pg-cluster.sh): one without
# shared_preload_libraries (the base), one with vigil, one with pg_stat_statements.  Each gets
# `pgbench -i -s SCALE` and a warm-up, then ROUNDS rounds of `pgbench -S -M prepared -c 2 -j 2
# -T SECONDS`, the three clusters taking turns in a rotating order.  Prints every round, the
# median tps of each, and the ratios; checks that vigil counted every transaction.
# Goal: vigil >= 0.98 x base, and vigil >= pg_stat_statements.
#
# On a shared machine throughput swings with whatever else runs, so the script also measures
# the server's CPU time per transaction: the user + system time of the backends, which the
# postmaster collects when they exit (cutime + cstime in /proc/<postmaster>/stat), divided by
# the transactions.  That figure depends far less on other load than tps does.
#
#   make && bench/pgbench_query_stats.sh [ROUNDS [SECONDS [SCALE]]]   (defaults: 7 20 5)
#
# vigil is preloaded from a private copy of the freshly built vigil.so (an absolute path in
# shared_preload_libraries), so nothing is installed and nothing shared is touched.
# VIGIL_BENCH_PORTS (default "55454 55464 55474") chooses the clusters' ports.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-7}
SECONDS_PER_RUN=${2:-20}
SCALE=${3:-5}
CLIENTS=${VIGIL_BENCH_CLIENTS:-2}
read -r -a PORTS <<<"${VIGIL_BENCH_PORTS:-55454 55464 55474}"
NAMES=(base vigil pg_stat_statements)
LIB=/tmp/vigil-bench-lib
[ -f vigil.so ] || { echo "build first: make" >&2; exit 1; }
mkdir -p "$LIB" && cp vigil.so "$LIB/vigil.so" && chmod -R a+rX "$LIB"
PRELOAD=("" "--preload=$LIB/vigil.so" "--preload=pg_stat_statements")

cluster() {  # cluster INDEX start|stop
  VIGIL_PG_PORT=${PORTS[$1]} VIGIL_PG_DIR=/tmp/vigil-bench-${PORTS[$1]} \
    scripts/pg-cluster.sh "$2" ${3:+"$3"}
}
pg() {  # pg INDEX command...
  local i=$1
  shift
  PGHOST=/tmp/vigil-bench-${PORTS[$i]} PGPORT=${PORTS[$i]} PGUSER=postgres PGDATABASE=postgres "$@"
}
cleanup() { for i in 0 1 2; do cluster "$i" stop || true; done; rm -f "${COUNTS:-}"; }
trap cleanup EXIT

declare -A TPS CPU
COUNTS=$(mktemp)
TICK=$(getconf CLK_TCK)
children_ticks() {  # CPU ticks of the cluster's exited children (cutime + cstime)
  local pid
  pid=$(head -1 "/tmp/vigil-bench-${PORTS[$1]}/data/postmaster.pid")
  awk '{print $16 + $17}' "/proc/$pid/stat"
}
run() {  # run INDEX -> prints "tps cpu_us_per_transaction"; vigil's transactions go to $COUNTS
  local out tps n before after
  before=$(children_ticks "$1")
  out=$(pg "$1" pgbench -S -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_PER_RUN" -n 2>&1)
  sleep 1  # the backends have exited and been collected
  after=$(children_ticks "$1")
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")
  n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
  if [ "$1" = 1 ]; then echo "$n" >>"$COUNTS"; fi
  awk -v t="$tps" -v d="$((after - before))" -v n="$n" -v hz="$TICK" \
    'BEGIN {printf "%.0f %.2f", t, d / hz * 1e6 / n}'
}

for i in 0 1 2; do
  cluster "$i" start "${PRELOAD[$i]}"
  pg "$i" pgbench -i -s "$SCALE" -q >/dev/null 2>&1
  pg "$i" psql -Xqc "VACUUM ANALYZE"
done
# vigil's statistics from the preloaded copy: a function bound to that same file.
pg 1 psql -Xq <<SQL
CREATE FUNCTION bench_query_stats(OUT fingerprint text, OUT query text, OUT calls bigint,
  OUT total_ms float8, OUT mean_ms float8, OUT min_ms float8, OUT max_ms float8,
  OUT stddev_ms float8, OUT rows bigint, OUT errors bigint)
RETURNS SETOF record AS '$LIB/vigil', 'vigil_query_stats' LANGUAGE C;
SQL
echo "warm-up ($SECONDS_PER_RUN s each)"
for i in 0 1 2; do run "$i" >/dev/null; done

echo "machine: $(nproc) cores, $(uname -sr), PostgreSQL $(pg_config --version | cut -d' ' -f2)"
echo "pgbench -S -M prepared -c $CLIENTS -j $CLIENTS -T $SECONDS_PER_RUN, scale $SCALE, $ROUNDS rounds"
printf "%-6s %22s %22s %22s\n" "" base vigil pg_stat_statements
printf "%-6s %22s %22s %22s\n" round "tps  cpu-us/tx" "tps  cpu-us/tx" "tps  cpu-us/tx"
for ((r = 1; r <= ROUNDS; r++)); do
  for k in 0 1 2; do
    i=$(((r + k) % 3))
    read -r TPS[$r,$i] CPU[$r,$i] <<<"$(run "$i")"
  done
  printf "%-6s %14s %7s %14s %7s %14s %7s\n" "$r" "${TPS[$r,0]}" "${CPU[$r,0]}" "${TPS[$r,1]}" \
    "${CPU[$r,1]}" "${TPS[$r,2]}" "${CPU[$r,2]}"
done

counted=$(pg 1 psql -XAtc "SELECT calls FROM bench_query_stats()
  WHERE query = 'select abalance from pgbench_accounts where aid = ?'")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in 0 1 2; do
  MED[$i]=$(for ((r = 1; r <= ROUNDS; r++)); do echo "${TPS[$r,$i]}"; done | median)
  MCPU[$i]=$(for ((r = 1; r <= ROUNDS; r++)); do echo "${CPU[$r,$i]}"; done | median)
done
echo "median tps: base ${MED[0]}, vigil ${MED[1]}, pg_stat_statements ${MED[2]}"
awk -v b="${MED[0]}" -v v="${MED[1]}" -v p="${MED[2]}" 'BEGIN {
  printf "  tps: vigil / base %.3f (goal >= 0.98), pg_stat_statements / base %.3f, vigil / pg_stat_statements %.3f (goal >= 1)\n", v / b, p / b, v / p }'
echo "median server CPU per transaction (us): base ${MCPU[0]}, vigil ${MCPU[1]}, pg_stat_statements ${MCPU[2]}"
awk -v b="${MCPU[0]}" -v v="${MCPU[1]}" -v p="${MCPU[2]}" 'BEGIN {
  printf "  as throughput (base cpu / cpu): vigil %.3f (goal >= 0.98), pg_stat_statements %.3f; vigil costs %.2f us per statement, pg_stat_statements %.2f us\n", b / v, b / p, v - b, p - b }'
total=$(awk '{s += $1} END {print s}' "$COUNTS")
echo "vigil counted $counted executions of the select; pgbench ran $total transactions on its cluster"
[ "$counted" = "$total" ] && echo "every transaction counted: yes" || { echo "every transaction counted: NO"; exit 1; }
