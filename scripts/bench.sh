#!/usr/bin/env bash
# scripts/bench.sh -- `make bench`: the side-by-side benchmarks in bench/, on a throw-away
# PostgreSQL cluster and SQLite files.  Not part of `make test`; bench/RESULTS.md records runs.
set -euo pipefail
cd "$(dirname "$0")/.."
make -j2 >/dev/null
make install >/dev/null
export VIGIL_PG_PORT=${VIGIL_PG_PORT:-55432}
eval "$(scripts/pg-cluster.sh env)"
scripts/pg-cluster.sh start
trap 'scripts/pg-cluster.sh stop' EXIT
for b in bench/*.py; do
  echo "==> $b"
  /usr/bin/python3 "$b" "$@"
done
