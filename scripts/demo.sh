#!/usr/bin/env bash
# scripts/demo.sh -- `make demo`: the validation platform on SQLite (no server), or with
# ENGINE=postgres on a throw-away PostgreSQL cluster.  The same SQL runs on both; only the
# schema file and the data generator are written in each engine's own spelling.
#
#   make demo                  SQLite: builds build/vigil.so, creates demo.db
#   make demo ENGINE=postgres  PostgreSQL 15: installs the extension, runs on port 55440
#   DEMO_VIDEOS=2000 make demo the scale (videos; 50 detections and 10 annotations each)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ENGINE=${1:-sqlite}
VIDEOS=${DEMO_VIDEOS:-400}
EX=examples/validation_platform

heading() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

case "$ENGINE" in
  sqlite)
    scripts/install-deps.sh sqlite
    heading "build"
    make --no-print-directory sqlite CMAKE_OPTS="-DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF" \
      >build.log 2>&1 || { tail -30 build.log; exit 1; }
    echo "SQLite extension: $ROOT/build/vigil.so"
    DB="$ROOT/demo.db"
    rm -f "$DB" "$DB"-wal "$DB"-shm
    run() { sqlite3 -bail -box -cmd ".load $ROOT/build/vigil" "$DB" "$@"; }
    run_file() { sqlite3 -bail "$DB" <"$1"; }
    SCHEMA=$EX/schema.sqlite.sql
    GENERATE=$EX/generate.sqlite.sql
    ;;
  postgres | postgresql)
    scripts/install-deps.sh all
    heading "build"
    make --no-print-directory -j2 >build.log 2>&1 && make --no-print-directory install >>build.log 2>&1 ||
      { tail -30 build.log; exit 1; }
    export VIGIL_PG_PORT=55440
    scripts/pg-cluster.sh start
    trap 'scripts/pg-cluster.sh stop' EXIT
    eval "$(scripts/pg-cluster.sh env)"
    createdb vigil_demo
    export PGDATABASE=vigil_demo
    psql -X -q -c "CREATE EXTENSION vigil"
    echo "PostgreSQL 15 cluster on $PGHOST, port $PGPORT, database vigil_demo"
    DB="postgresql:///vigil_demo?host=$PGHOST&port=$PGPORT (removed at exit)"
    run() { psql -X -q -v ON_ERROR_STOP=1 -c "$1"; }
    run_file() { psql -X -q -v ON_ERROR_STOP=1 -f "$1"; }
    SCHEMA=$EX/schema.postgres.sql
    GENERATE=$EX/generate.postgres.sql
    ;;
  *)
    echo "usage: make demo [ENGINE=sqlite|postgres]" >&2
    exit 2
    ;;
esac

heading "schema: $SCHEMA"
run_file "$SCHEMA"
echo "projects, videos, test_sessions, detection_events, ground_truth_objects"

heading "data: $VIDEOS videos, $((VIDEOS * 50)) detection events, $((VIDEOS * 10)) annotations"
tmp=$(mktemp)
{ echo "CREATE TEMP TABLE gen_params AS SELECT $VIDEOS AS videos, 50 AS detections_per_video;"
  cat "$GENERATE"; } >"$tmp"
run_file "$tmp"
rm -f "$tmp"

heading "vigil_version()"
run "SELECT vigil_version() AS version;"

heading "vigil_schema(): the engine-neutral model, per table"
run "SELECT table_name,
            sum(CASE WHEN object_type = 'column' THEN 1 ELSE 0 END) AS columns,
            sum(CASE WHEN object_type = 'foreign_key' THEN 1 ELSE 0 END) AS foreign_keys,
            sum(CASE WHEN object_type = 'check' THEN 1 ELSE 0 END) AS checks,
            sum(CASE WHEN object_type IN ('unique', 'index') THEN 1 ELSE 0 END) AS indexes
     FROM vigil_schema() GROUP BY table_name ORDER BY table_name;"

heading "vigil_schema('detection_events')"
run "SELECT object_type, name, definition FROM vigil_schema('detection_events');"

heading "vigil_schema_fingerprint(): equal on SQLite and PostgreSQL for this schema"
run "SELECT vigil_schema_fingerprint() AS fingerprint;"

heading "vigil_table_stats()"
run "SELECT table_name, row_count, index_count, total_bytes FROM vigil_table_stats();"

heading "done"
echo "database: $DB"
