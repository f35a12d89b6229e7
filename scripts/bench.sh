#!/usr/bin/env bash
# scripts/bench.sh -- `make bench`: every side-by-side benchmark in bench/ (never part of
# `make test`): bench/*.sh, then bench/*.py, on a throw-away PostgreSQL cluster and SQLite
# files.  Results are recorded in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
make -j2 CMAKE_OPTS="-DVIGIL_BUILD_TESTS=AUTO -DVIGIL_BUILD_BENCH=ON" >/dev/null
make install >/dev/null
export VIGIL_PG_PORT=${VIGIL_PG_PORT:-55432}
eval "$(scripts/pg-cluster.sh env)"
scripts/pg-cluster.sh start --preload
trap 'scripts/pg-cluster.sh stop' EXIT
for b in bench/*.sh; do
  [ -e "$b" ] || continue
  echo "==> $b"
  "$b" "$@"
done
for b in bench/*.py; do
  [ -e "$b" ] || continue
  echo "==> $b"
  /usr/bin/python3 "$b" "$@"
done
