#!/usr/bin/env bash
# scripts/bench.sh -- `make bench`: every side-by-side benchmark in bench/ (never part of
# `make test`).  The PostgreSQL parts need a running cluster with vigil installed, reached
# through the libpq environment (scripts/pg-cluster.sh start; eval "$(scripts/pg-cluster.sh env)").
set -euo pipefail
cd "$(dirname "$0")/.."
for script in bench/*.py; do
  echo "==> $script"
  /usr/bin/python3 "$script" "$@"
done
