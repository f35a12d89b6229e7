#!/usr/bin/env bash
# bench/pg_instructions.sh -- instructions per statement that vigil's executor hooks add in
# PostgreSQL, next to pg_stat_statements, counted by valgrind (cachegrind, no cache simulation)
# on a single-user backend (`postgres --single`) running a PL/pgSQL loop of point selects with
# vigil.track / pg_stat_statements.track = all.  Instruction counts do not depend on other
# load on the machine, so they show what timings on a shared machine cannot; they do not show
# what the clock readings cost in time (both extensions read the clock twice per statement).
# Each figure is the difference between loops of 40,000 and 20,000 statements.
#
#   make && bench/pg_instructions.sh     (needs valgrind; runs as the postgres user)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -f vigil.so ] || { echo "build first: make" >&2; exit 1; }
BIN=$(pg_config --bindir)
DIR=/tmp/vigil-bench-instructions
LIB=/tmp/vigil-bench-lib
PORT=${VIGIL_BENCH_PORT:-55484}
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi
mkdir -p "$LIB" && cp vigil.so "$LIB/vigil.so" && chmod -R a+rX "$LIB"
rm -rf "$DIR" && mkdir -p "$DIR" && chmod 777 "$DIR"
trap 'rm -rf "$DIR"' EXIT
"${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
{
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$DIR'"
  echo "port = $PORT"
  echo "fsync = off"
} >>"$DIR/data/postgresql.conf"
"${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start >/dev/null
PGHOST=$DIR PGPORT=$PORT PGUSER=postgres pgbench -i -s 1 -q postgres >/dev/null 2>&1
PGHOST=$DIR PGPORT=$PORT PGUSER=postgres psql -Xq postgres <<'SQL'
VACUUM ANALYZE;
CREATE FUNCTION bench_loop(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  b int;
BEGIN
  FOR i IN 1..n LOOP
    SELECT abalance INTO b FROM pgbench_accounts WHERE aid = 1 + (i * 7919) % 100000;
  END LOOP;
  RETURN n;
END $$;
SQL
"${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -w stop >/dev/null

irefs() {  # irefs PRELOAD SETTING N
  echo "$2 SELECT bench_loop($3);" |
    "${RUN[@]}" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
      "$BIN/postgres" --single -D "$DIR/data" -c "shared_preload_libraries=$1" postgres 2>&1 |
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
declare -A PER
NAMES=(base vigil pg_stat_statements)
PRELOADS=("" "$LIB/vigil.so" "pg_stat_statements")
SETTINGS=("" "SET vigil.track = 'all';" "SET pg_stat_statements.track = 'all';")
for i in 0 1 2; do
  a=$(irefs "${PRELOADS[$i]}" "${SETTINGS[$i]}" 20000)
  b=$(irefs "${PRELOADS[$i]}" "${SETTINGS[$i]}" 40000)
  PER[$i]=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.0f", (b - a) / 20000}')
done
echo "instructions per statement: base ${PER[0]}, vigil ${PER[1]}, pg_stat_statements ${PER[2]}"
awk -v b="${PER[0]}" -v v="${PER[1]}" -v p="${PER[2]}" 'BEGIN {
  printf "added: vigil %d (%.1f %%), pg_stat_statements %d (%.1f %%); as throughput: vigil %.3f, pg_stat_statements %.3f\n", v - b, 100 * (v - b) / b, p - b, 100 * (p - b) / b, b / v, b / p }'
