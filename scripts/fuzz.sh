#!/usr/bin/env bash
# scripts/fuzz.sh -- builds the libFuzzer targets of tests/fuzz/ (clang, with ASan and UBSan)
# and runs each for a bounded time on a copy of its seed corpus.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]    default: 20 s, every target
#   make fuzz FUZZ_SECONDS=600                             the long run
# VIGIL_FUZZ_SEED=n fixes libFuzzer's seed: `make test` uses it, so that its short run replays
# the same inputs each time (a regression shows, a new bug found by chance does not fail CI at
# random: that is the long run's job).  Unset: a random seed.
# A crash leaves its input in build-fuzz/artifacts/ and fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-20}
shift || true

cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DVIGIL_FUZZ=ON \
  -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
# Only the fuzz targets (and the core they link), not the SQLite extension.
cmake --build build-fuzz -j2 --target "${targets[@]}" >build-fuzz/build.log 2>&1 ||
  { tail -30 build-fuzz/build.log; exit 1; }

mkdir -p build-fuzz/artifacts
passed=0
failed=0
for t in "${targets[@]}"; do
  seeds="tests/fuzz/corpus/${t#fuzz_}"
  work="build-fuzz/corpus/${t#fuzz_}"
  mkdir -p "$work"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null
  seed=()
  [ -n "${VIGIL_FUZZ_SEED:-}" ] && seed=(-seed="$VIGIL_FUZZ_SEED")
  if ASAN_OPTIONS=detect_leaks=1 "build-fuzz/$t" "${seed[@]}" -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 \
      -artifact_prefix=build-fuzz/artifacts/"$t"- -print_final_stats=1 "$work" \
      >"build-fuzz/$t.log" 2>&1; then
    runs=$(grep -E "^stat::number_of_executed_units" "build-fuzz/$t.log" | awk '{print $2}')
    echo "ok $t: $runs inputs in ${SECONDS_PER_TARGET}s, no crash"
    passed=$((passed + 1))
  else
    echo "FAIL $t"
    tail -40 "build-fuzz/$t.log"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
