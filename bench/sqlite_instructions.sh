#!/usr/bin/env bash
# bench/sqlite_instructions.sh -- instructions per point select in SQLite without vigil, with
# an empty trace callback (vigil's mask), and with vigil, counted by valgrind (cachegrind, no
# cache simulation).  Unlike timings, instruction counts do not depend on other load on the
# machine; they do not show what the clock readings cost in time (a vDSO clock_gettime or
# gettimeofday is ~50 ns here, whatever its instruction count).  Each figure is the difference
# between runs of 200,000 and 100,000 calls, so that the setup cancels out.
#
#   make sqlite CMAKE_OPTS=-DVIGIL_BUILD_BENCH=ON && bench/sqlite_instructions.sh   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/sqlite_query_stats_bench
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
irefs() {  # irefs MODE CALLS
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$BIN" --only "$1" "$2" 2>&1 | sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
declare -A PER
for mode in plain empty vigil; do
  a=$(irefs "$mode" 100000)
  b=$(irefs "$mode" 200000)
  PER[$mode]=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1f", (b - a) / 100000}')
done
echo "instructions per point select: without ${PER[plain]}, empty trace callback ${PER[empty]}, vigil ${PER[vigil]}"
awk -v p="${PER[plain]}" -v e="${PER[empty]}" -v v="${PER[vigil]}" 'BEGIN {
  printf "ratios: empty callback %.3f, vigil %.3f; vigil adds %.0f instructions, %.0f of them its own\n", e / p, v / p, v - p, v - e }'
