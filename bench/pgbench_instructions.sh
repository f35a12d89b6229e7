#!/usr/bin/env bash
# bench/pgbench_instructions.sh -- instructions per `pgbench -S -M prepared` transaction, in the
# backend, without preload, with vigil and with pg_stat_statements, counted by valgrind
# (cachegrind, no cache simulation) on a postmaster whose backends run under valgrind.  The
# figure for each is the difference between runs of 10,000 and 5,000 transactions of one client,
# so that connection start-up cancels out.  Instruction counts do not depend on other load on
# the machine (the clock readings, two per statement in both extensions, cost more time than
# their instruction count says).
#
#   make && bench/pgbench_instructions.sh     (needs valgrind; runs as the postgres user)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -f vigil.so ] || { echo "build first: make" >&2; exit 1; }
BIN=$(pg_config --bindir)
DIR=/tmp/vigil-bench-pgbench-instructions
LIB=/tmp/vigil-bench-lib
PORT=${VIGIL_BENCH_PORT:-55484}
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi
mkdir -p "$LIB" && cp vigil.so "$LIB/vigil.so" && chmod -R a+rX "$LIB"
rm -rf "$DIR" && mkdir -p "$DIR/out" && chmod -R 777 "$DIR"
stop() { "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; }
trap 'stop; rm -rf "$DIR"' EXIT
"${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
{
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$DIR'"
  echo "port = $PORT"
  echo "fsync = off"
  echo "autovacuum = off"
} >>"$DIR/data/postgresql.conf"
export PGHOST=$DIR PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres
"${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start >/dev/null
pgbench -i -s 1 -q >/dev/null 2>&1
psql -Xqc "VACUUM ANALYZE"
stop

backend_irefs() {  # backend_irefs PRELOAD TRANSACTIONS
  rm -f "$DIR"/out/*
  "${RUN[@]}" bash -c "valgrind --tool=cachegrind --cache-sim=no --trace-children=yes \
      --cachegrind-out-file=$DIR/out/cg.%p $BIN/postgres -D $DIR/data \
      -c shared_preload_libraries='$1' >$DIR/log 2>&1 &"
  for _ in $(seq 1 120); do psql -XAtc "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
  pgbench -S -M prepared -c 1 -t "$2" -n >/dev/null 2>&1
  local pid
  pid=$(head -1 "$DIR/data/postmaster.pid")
  "${RUN[@]}" kill -INT "$pid"
  for _ in $(seq 1 120); do [ -f "$DIR/data/postmaster.pid" ] || break; sleep 1; done
  # The backend that served pgbench is the busiest child.
  for f in "$DIR"/out/cg.*; do sed -n 's/^summary: \([0-9]*\).*/\1/p' "$f"; done | sort -n | tail -1
}
declare -A PER
PRELOADS=("" "$LIB/vigil.so" "pg_stat_statements")
for i in 0 1 2; do
  a=$(backend_irefs "${PRELOADS[$i]}" 5000)
  b=$(backend_irefs "${PRELOADS[$i]}" 10000)
  PER[$i]=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.0f", (b - a) / 5000}')
done
echo "backend instructions per pgbench -S transaction: base ${PER[0]}, vigil ${PER[1]}, pg_stat_statements ${PER[2]}"
awk -v b="${PER[0]}" -v v="${PER[1]}" -v p="${PER[2]}" 'BEGIN {
  printf "added: vigil %d (%.1f %%), pg_stat_statements %d (%.1f %%); as throughput: vigil %.3f (goal >= 0.98), pg_stat_statements %.3f\n", v - b, 100 * (v - b) / b, p - b, 100 * (p - b) / b, b / v, b / p }'
