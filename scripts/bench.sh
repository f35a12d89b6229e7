#!/usr/bin/env bash
# scripts/bench.sh -- `make bench`: every side-by-side benchmark in bench/ (never part of
# `make test`), one after the other: bench/*.sh, then bench/*.py.  The PostgreSQL parts need a
# running cluster with vigil installed, reached through the libpq environment
# (scripts/pg-cluster.sh start; eval "$(scripts/pg-cluster.sh env)").  Results are recorded in
# bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
make sqlite CMAKE_OPTS="-DVIGIL_BUILD_TESTS=AUTO -DVIGIL_BUILD_BENCH=ON"
for b in bench/*.sh; do
  [ -e "$b" ] || continue
  echo "==> $b"
  "$b" "$@"
done
for script in bench/*.py; do
  [ -e "$script" ] || continue
  echo "==> $script"
  /usr/bin/python3 "$script" "$@"
done
