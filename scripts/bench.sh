#!/usr/bin/env bash
# scripts/bench.sh -- `make bench`: every benchmark script in bench/ (bench/*.sh), one after the
# other.  Benchmarks are not tests; their results are recorded in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
make sqlite CMAKE_OPTS="-DVIGIL_BUILD_TESTS=AUTO -DVIGIL_BUILD_BENCH=ON"
for b in bench/*.sh; do
  echo "==> $b"
  "$b"
done
