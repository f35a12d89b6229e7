#!/usr/bin/env bash
# bench/checksum.sh -- the checksum and backup benchmarks of issue 7, side by side in one run:
# SQLite (build/checksum_sqlite_bench) and PostgreSQL (bench/checksum_pg.py), 1M platform rows.
#
#   make sqlite CMAKE_OPTS="-DVIGIL_BUILD_BENCH=ON"      # builds build/checksum_sqlite_bench
#   make && sudo make install                            # the PostgreSQL extension
#   VIGIL_PG_PORT=55452 bench/checksum.sh [rows]
#
# Starts a throw-away PostgreSQL cluster on VIGIL_PG_PORT (default 55460) and stops it after.
# Not part of `make test`: timings are not tests.  Results go in bench/RESULTS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
export VIGIL_PG_PORT=${VIGIL_PG_PORT:-55460}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "$(. /etc/os-release && echo "$PRETTY_NAME"), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
build/checksum_sqlite_bench "$rows"
echo
scripts/pg-cluster.sh start
trap 'scripts/pg-cluster.sh stop' EXIT
eval "$(scripts/pg-cluster.sh env)"
/usr/bin/python3 bench/checksum_pg.py "$rows"
