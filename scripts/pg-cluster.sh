#!/usr/bin/env bash
# scripts/pg-cluster.sh -- a throw-away PostgreSQL cluster for tests and demos.
#
#   scripts/pg-cluster.sh start [--preload]   initdb + start (as the postgres user; initdb
#                                             refuses root), on a private socket directory and
#                                             port, no TCP; --preload adds
#                                             shared_preload_libraries = 'vigil' (query
#                                             statistics), and pg_cron with
#                                             cron.database_name = 'postgres' when the
#                                             postgresql-15-cron package is installed
#   scripts/pg-cluster.sh start --preload=LIBS   the same with exactly these libraries
#                                             (benchmarks: --preload=pg_stat_statements)
#   scripts/pg-cluster.sh stop                stop it and remove its files
#   scripts/pg-cluster.sh env                 print the PG* variables that reach it
#
# VIGIL_PG_DIR (default /tmp/vigil-pg-$PORT) and VIGIL_PG_PORT (default 55432) choose where;
# VIGIL_PG_CONF, when set, is appended to postgresql.conf (extra settings, one per line).
# VIGIL_PG_POSTGRES, when set, is the executable pg_ctl starts instead of the server's own
# postgres (pg_ctl -p: a wrapper that execs `valgrind ... postgres "$@"`, scripts/test-memcheck.sh);
# pg_ctl then waits up to 10 minutes (not 1) for the server to start and to stop.
set -euo pipefail

PORT=${VIGIL_PG_PORT:-55432}
DIR=${VIGIL_PG_DIR:-/tmp/vigil-pg-$PORT}
BIN=$(pg_config --bindir)
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi
CTL_OPTS=()
if [ -n "${VIGIL_PG_POSTGRES:-}" ]; then CTL_OPTS=(-t 600); fi

stop() {
  if [ -f "$DIR/data/postmaster.pid" ]; then
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w "${CTL_OPTS[@]}" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start)
    stop
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
    "${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
      >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log"; exit 1; }
    {
      echo "listen_addresses = ''"
      echo "unix_socket_directories = '$DIR'"
      echo "port = $PORT"
      echo "fsync = off"
      echo "max_connections = 50"
      case "${2:-}" in
        --preload)
          if [ -f "$(pg_config --pkglibdir)/pg_cron.so" ]; then
            echo "shared_preload_libraries = 'vigil,pg_cron'"
            echo "cron.database_name = 'postgres'"
          else
            echo "shared_preload_libraries = 'vigil'"
          fi
          ;;
        --preload=*) echo "shared_preload_libraries = '${2#--preload=}'" ;;
      esac
      if [ -n "${VIGIL_PG_CONF:-}" ]; then printf '%s\n' "$VIGIL_PG_CONF"; fi
    } >>"$DIR/data/postgresql.conf"
    # The server must not inherit our open files: a lock held by the caller (flock) would
    # stay held for as long as the server runs.
    for fd in $(ls /proc/$$/fd); do
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    if [ -n "${VIGIL_PG_POSTGRES:-}" ]; then CTL_OPTS+=(-p "$VIGIL_PG_POSTGRES"); fi
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w "${CTL_OPTS[@]}" start >/dev/null ||
      { cat "$DIR/server.log"; exit 1; }
    ;;
  stop)
    stop
    ;;
  env)
    echo "export PGHOST=$DIR PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres"
    ;;
  *)
    echo "usage: $0 start [--preload] | stop | env" >&2
    exit 2
    ;;
esac
