#!/usr/bin/env bash
# bench/sqlite_instructions.sh -- instructions per point select in SQLite without vigil, with
# an empty trace callback (vigil's mask), and with vigil, counted by valgrind (cachegrind, no
# cache simulation).  Unlike timings, instruction counts do not depend on other load on the
# machine; they do not show what the clock readings cost in time (a vDSO clock_gettime or
# gettimeofday is ~50 ns here, whatever its instruction count).  Each figure is the difference
# between runs of 200,000 and 100,000 calls, so that the setup cancels out.
#
#   make sqlite CMAKE_OPTS=-DVIGIL_BUILD_BENCH=ON && bench/sqlite_instructions.sh   (needs valgrind)
#   bench/sqlite_instructions.sh --masks    also what SQLite spends on an empty callback for each
#                                           trace mask (S = STMT, R = ROW, P = PROFILE)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/sqlite_query_stats_bench
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
irefs() {  # irefs MODE CALLS
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$BIN" --only "$1" "$2" 2>&1 | sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
per_call() {  # per_call MODE: instructions per call
  local a b
  a=$(irefs "$1" 100000)
  b=$(irefs "$1" 200000)
  awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1f", (b - a) / 100000}'
}
declare -A PER
for mode in plain empty vigil; do
  PER[$mode]=$(per_call "$mode")
done
echo "instructions per point select: without ${PER[plain]}, empty trace callback ${PER[empty]}, vigil ${PER[vigil]}"
awk -v p="${PER[plain]}" -v e="${PER[empty]}" -v v="${PER[vigil]}" 'BEGIN {
  printf "ratios: empty callback %.3f, vigil %.3f; vigil adds %.0f instructions, %.0f of them its own\n", e / p, v / p, v - p, v - e }'
if [[ "${1:-}" == "--masks" ]]; then
  echo "an empty trace callback, by mask: instructions per point select (ratio to without)"
  for mask in S R P SR SP SRP; do
    m=$(per_call "empty:$mask")
    awk -v mask="$mask" -v m="$m" -v p="${PER[plain]}" 'BEGIN {
      printf "  %-4s %8.1f  +%5.1f  %.3f\n", mask, m, m - p, m / p }'
  done
fi
