#!/usr/bin/env bash
# scripts/demo.sh -- `make demo`: the validation platform of examples/validation_platform/, end
# to end, on SQLite (no server), or with ENGINE=postgres on a throw-away PostgreSQL 15 cluster.
# The same SQL runs on both; only the row generator, the defects that need an engine's own
# switches, and the migration that creates an id generator are written per engine.
#
#   make demo                   SQLite: builds build/vigil.so, creates demo.db (and demo-backup.db)
#   make demo ENGINE=postgres   PostgreSQL 15: builds and installs the extension, runs a cluster
#                               on port $VIGIL_PG_PORT (default 55440), removed at the end
#   DEMO_VIDEOS=2000 make demo  the scale: videos (default 400); 50 detections, 10 annotations
#                               and 2 test sessions per video; at least 20
#   DEMO_SEED=7 make demo       another seed: other rows, other defective rows, the same counts
#   DEMO_SKIP_BUILD=1           use build/vigil.so (and the installed PostgreSQL extension) as is
#   DEMO_DB=/tmp/x.db           the SQLite database (default ./demo.db; the backup goes beside it)
#   DEMO_PG_EXISTING=1          PostgreSQL: no cluster of its own; use the one the PG* variables
#                               reach (it needs shared_preload_libraries = 'vigil'), in a database
#                               vigil_demo_<pid> dropped at the end (tests/demo/run.sh)
#   DEMO_OUT=dir                also write the schema fingerprint and the generated data's
#                               checksums there (tests/demo/run.sh compares the two engines)
#
# The story: migrations (vigil_migration_add, vigil_migrate, a rollback and re-apply), the
# generated data and its checksums (equal on both engines for the same seed and scale), the
# rules, planted defects, vigil_check() finding exactly what was planted (the script fails
# otherwise), the repair (examples/validation_platform/demo/repair.sql: the plan, the repair,
# the quarantine, a restore of one batch and its repair again, and what vigil refused decided
# by hand), query statistics after a workload, health, checksums, a verified backup, and a
# final vigil_check() that must be clean.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ENGINE=${1:-sqlite}
VIDEOS=${DEMO_VIDEOS:-400}
SEED=${DEMO_SEED:-42}
EX=examples/validation_platform

if ! [[ $VIDEOS =~ ^[0-9]+$ ]] || [ "$VIDEOS" -lt 20 ]; then
  echo "demo: DEMO_VIDEOS must be a number >= 20 (the defects need enough rows)" >&2
  exit 2
fi
if ! [[ $SEED =~ ^[0-9]+$ ]]; then
  echo "demo: DEMO_SEED must be a non-negative number" >&2
  exit 2
fi

# The defects to plant: name in gen_params, finding, table, count.
DEFECTS=(
  "orphan_detections          fk_orphan                         detection_events      7"
  "orphan_annotations         fk_orphan                         ground_truth_objects  3"
  "bad_confidence             rule:confidence_range             detection_events      5"
  "detections_outside_frame   rule:detection_inside_frame       detection_events      4"
  "detections_after_video     rule:detection_within_video       detection_events      6"
  "annotations_outside_frame  rule:annotation_inside_frame      ground_truth_objects  2"
  "annotations_after_video    rule:annotation_within_video      ground_truth_objects  3"
  "sessions_end_before_start  rule:session_finished_after_start test_sessions         4"
  "bad_video_status           check_constraint                  videos                3"
  "bad_session_status         check_constraint                  test_sessions         2"
  "sequence_behind            sequence_behind                   detection_events      10"
  "annotator_bytes            type_mismatch                     ground_truth_objects  5"
)

heading() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() {
  printf '\n\033[1;31mdemo FAILED: %s\033[0m\n' "$*" >&2
  exit 1
}

case "$ENGINE" in
  sqlite)
    if [ -z "${DEMO_SKIP_BUILD:-}" ]; then
      scripts/install-deps.sh sqlite
      heading "build"
      make --no-print-directory sqlite CMAKE_OPTS="-DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF" \
        >build.log 2>&1 || { tail -30 build.log; exit 1; }
      echo "SQLite extension: $ROOT/build/vigil.so"
    fi
    DB=${DEMO_DB:-$ROOT/demo.db}
    BACKUP=${DB%.db}-backup.db
    rm -f "$DB" "$DB"-wal "$DB"-shm "$DB"-journal "$BACKUP"
    # show: a table for people; value: unaligned rows for the script.
    sq() { sqlite3 -bail -batch -cmd ".load $ROOT/build/vigil" "$@"; }
    show() { sq -box "$DB" "$1"; }
    value() { sq -list -noheader -separator '|' "$DB" "$1"; }
    run_file() { sq "$DB" <"$1"; }
    GENERATE=$EX/generate.sqlite.sql
    DEFECTS_FILE=$EX/defects.sqlite.sql
    ;;
  postgres | postgresql)
    ENGINE=postgres
    if [ -z "${DEMO_SKIP_BUILD:-}" ]; then
      scripts/install-deps.sh all
      heading "build"
      if ! { make --no-print-directory -j2 >build.log 2>&1 && make --no-print-directory install >>build.log 2>&1; }; then
        tail -30 build.log
        exit 1
      fi
    fi
    PGDB=vigil_demo
    if [ -n "${DEMO_PG_EXISTING:-}" ]; then
      PGDB=vigil_demo_$$
      cleanup_pg() { dropdb --if-exists "${PGDB}_restored"; dropdb --if-exists "$PGDB"; }
    else
      export VIGIL_PG_PORT=${VIGIL_PG_PORT:-55440}
      # --preload: vigil's query statistics live in shared memory (shared_preload_libraries).
      scripts/pg-cluster.sh start --preload
      cleanup_pg() { scripts/pg-cluster.sh stop; }
      trap cleanup_pg EXIT
      eval "$(scripts/pg-cluster.sh env)"
    fi
    export PGTZ=UTC PGOPTIONS="-c client_min_messages=warning"
    createdb "$PGDB"
    export PGDATABASE=$PGDB
    trap cleanup_pg EXIT
    psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION vigil" -c "CREATE EXTENSION amcheck"
    echo "PostgreSQL 15 on $PGHOST, port $PGPORT, database $PGDB (amcheck for the physical check)"
    DB="postgresql:///$PGDB?host=$PGHOST&port=$PGPORT (removed at the end)"
    BACKUP=${DEMO_OUT:-$ROOT/build}/demo-pg_dump.custom
    show() { psql -X -q -v ON_ERROR_STOP=1 -P pager=off -c "$1"; }
    value() { psql -X -q -v ON_ERROR_STOP=1 -At -F '|' -c "$1"; }
    run_file() { psql -X -q -v ON_ERROR_STOP=1 -f "$1"; }
    GENERATE=$EX/generate.postgres.sql
    DEFECTS_FILE=$EX/defects.postgres.sql
    ;;
  *)
    echo "usage: make demo [ENGINE=sqlite|postgres]" >&2
    exit 2
    ;;
esac
START=$(date +%s%N)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; if [ "$ENGINE" = postgres ]; then cleanup_pg; fi' EXIT
if [ -n "${DEMO_OUT:-}" ]; then mkdir -p "$DEMO_OUT"; fi

# The parameters of the generator and of the defects, as a temp table for the files that need it.
params() {
  printf 'CREATE TEMP TABLE gen_params AS SELECT %s AS seed, %s AS videos, 50 AS detections_per_video, 10 AS annotations_per_video' \
    "$SEED" "$VIDEOS"
  for d in "${DEFECTS[@]}"; do
    read -r name _ _ count <<<"$d"
    printf ', %s AS %s' "$count" "$name"
  done
  printf ';\n'
}
# One session: the temp table, then the file (psql -f keeps \ir relative to the file).
if [ "$ENGINE" = sqlite ]; then
  with_params() { { params; cat "$1"; } | sq "$DB"; }
else
  with_params() { psql -X -q -v ON_ERROR_STOP=1 -c "$(params)" -f "$1"; }
fi

heading "vigil $(value 'SELECT vigil_version();') on $ENGINE"

# ---------------------------------------------------------------------------------------------
heading "1. migrations: register ($EX/migrations/) and apply with vigil_migrate()"
"$EX"/migrations/register.sh "$ENGINE" >"$TMP/register.sql"
run_file "$TMP/register.sql" >/dev/null
show "SELECT version, name, status FROM vigil_migrate();"
n=$(value "SELECT count(*) FROM vigil_migration_status() WHERE state = 'applied';")
[ "$n" = 7 ] || fail "$n migrations applied, 7 expected"

heading "down and up again: vigil_rollback('5') undoes 7 and 6, vigil_migrate() applies them again"
if [ "$ENGINE" = sqlite ]; then
  # SQLite: the scalar form (the table form cannot drop a table or an index, docs/migrations.md).
  value "SELECT vigil_rollback('5');"
else
  show "SELECT version, name, status FROM vigil_rollback('5');"
fi
show "SELECT version, name, status FROM vigil_migrate();"
show "SELECT version, name, state, checksum_ok, drift FROM vigil_migration_status();"
FINGERPRINT=$(value "SELECT vigil_schema_fingerprint();")
echo "vigil_schema_fingerprint(): $FINGERPRINT  (the same on SQLite and PostgreSQL)"
if [ -n "${DEMO_OUT:-}" ]; then echo "$FINGERPRINT" >"$DEMO_OUT/$ENGINE.fingerprint"; fi

# ---------------------------------------------------------------------------------------------
heading "2. data: seed $SEED, $VIDEOS videos ($GENERATE)"
with_params "$GENERATE" >/dev/null
show "SELECT table_name, row_count FROM vigil_table_stats() ORDER BY table_name;"
heading "vigil_checksums() of the generated data: the same on SQLite and PostgreSQL"
show "SELECT table_name, row_count, checksum FROM vigil_checksums();"
value "SELECT table_name, checksum FROM vigil_checksums();" >"$TMP/generated.checksums"
if [ -n "${DEMO_OUT:-}" ]; then cp "$TMP/generated.checksums" "$DEMO_OUT/$ENGINE.checksums"; fi

# ---------------------------------------------------------------------------------------------
heading "3. the platform's rules ($EX/rules.sql)"
run_file "$EX/rules.sql" >/dev/null
show "SELECT name, table_name, severity, repair, substr(condition, 1, 70) AS condition FROM vigil_rules ORDER BY table_name, name;"
show "SELECT count(*) AS findings_on_the_generated_data FROM vigil_check() WHERE severity <> 'info';"
n=$(value "SELECT count(*) FROM vigil_check() WHERE severity <> 'info';")
[ "$n" = 0 ] || fail "the generated data has $n findings before any defect was planted"

# ---------------------------------------------------------------------------------------------
heading "4. plant defects ($DEFECTS_FILE)"
with_params "$DEFECTS_FILE" >/dev/null
planted_values=()
printf '%-28s %-36s %-22s %s\n' "defect" "expected finding" "table" "rows"
for d in "${DEFECTS[@]}"; do
  read -r name check table count <<<"$d"
  if [ "$check" = type_mismatch ] && [ "$ENGINE" != sqlite ]; then continue; fi
  printf '%-28s %-36s %-22s %s\n' "$name" "$check" "$table" "$count"
  planted_values+=("('$check', '$table', $count)")
done
if [ "$ENGINE" = postgres ]; then
  # The CHECKs that were dropped and added back NOT VALID to let the rows in.
  planted_values+=("('unvalidated_constraint', 'test_sessions', 1)" "('unvalidated_constraint', 'videos', 1)")
  echo "(PostgreSQL also reports the two CHECKs added back NOT VALID: unvalidated_constraint)"
else
  echo "(type_mismatch is SQLite's alone: PostgreSQL's types refuse bytes in a text column)"
fi
PLANTED="WITH planted (check_name, table_name, planted) AS (VALUES $(IFS=,; echo "${planted_values[*]}")),
  found AS (SELECT check_name, table_name, violations FROM vigil_check() WHERE severity <> 'info'),
  compared AS (
    SELECT coalesce(p.check_name, f.check_name) AS check_name, coalesce(p.table_name, f.table_name) AS table_name,
           coalesce(p.planted, 0) AS planted, coalesce(f.violations, 0) AS found
    FROM planted p FULL JOIN found f ON f.check_name = p.check_name AND f.table_name = p.table_name)"

# ---------------------------------------------------------------------------------------------
heading "5. vigil_check(): every finding"
show "SELECT check_name, severity, table_name, violations, repairable, sample_keys FROM vigil_check();"
heading "planted and found"
show "$PLANTED SELECT check_name, table_name, planted, found,
             CASE WHEN planted = found THEN 'ok' ELSE 'MISMATCH' END AS result
      FROM compared ORDER BY table_name, check_name;"
bad=$(value "$PLANTED SELECT count(*) FROM compared WHERE planted <> found;")
[ "$bad" = 0 ] || fail "$bad findings differ from what was planted"
total=$(value "$PLANTED SELECT sum(found) FROM compared;")
echo "every planted defect was found: $total rows in ${#planted_values[@]} findings"
heading "vigil_check_rows('rule:confidence_range', 'detection_events'): the offending rows"
show "SELECT row_key, detail FROM vigil_check_rows('rule:confidence_range', 'detection_events');"

# ---------------------------------------------------------------------------------------------
heading "6. repair: plan (dry run), repair, quarantine, restore of one batch, repair again"
run_file "$EX/demo/repair.sql"
if [ "$ENGINE" = postgres ]; then
  # The rows the NOT VALID checks let in are gone: the constraints can be validated now.
  show "ALTER TABLE videos VALIDATE CONSTRAINT videos_processing_status_check;
        ALTER TABLE test_sessions VALIDATE CONSTRAINT test_sessions_status_check;"
  echo "validated the two NOT VALID constraints"
fi

# ---------------------------------------------------------------------------------------------
heading "7. vigil_query_stats() after a workload of platform queries ($EX/demo/workload.sql)"
stats="SELECT calls, rows, round(CAST(mean_ms AS NUMERIC), 3) AS mean_ms, substr(query, 1, 100) AS query
       FROM vigil_query_stats() WHERE query NOT LIKE '%vigil%' ORDER BY calls DESC, query LIMIT 12;"
if [ "$ENGINE" = sqlite ]; then
  # Statistics are per connection in SQLite: the workload and the report share one.
  { echo ".output /dev/null"; cat "$EX/demo/workload.sql"; echo ".output stdout"; echo "$stats"; } |
    sq -box "$DB"
else
  value "SELECT vigil_query_stats_reset();" >/dev/null
  run_file "$EX/demo/workload.sql" >/dev/null
  show "$stats"
fi
echo "$(grep -c '^SELECT' "$EX/demo/workload.sql") statements of 12 shapes: each shape is one line, its literals normalised away"

# ---------------------------------------------------------------------------------------------
heading "8. vigil_health()"
show "SELECT metric, value, threshold, status, message FROM vigil_health();"
heading "vigil_optimize(): advice (a dry run; every foreign key already has its index)"
show "SELECT action, target, reason FROM vigil_optimize();"
n=$(value "SELECT count(*) FROM vigil_optimize() WHERE action IN ('create_index', 'drop_index');")
[ "$n" = 0 ] || fail "vigil_optimize() asks for $n index changes: migration 7 should have every index the platform needs"

# ---------------------------------------------------------------------------------------------
heading "9. vigil_checksums()"
show "SELECT table_name, row_count, checksum FROM vigil_checksums();"
value "SELECT table_name, checksum FROM vigil_checksums();" >"$TMP/now.checksums"
changed=$(diff "$TMP/generated.checksums" "$TMP/now.checksums" | grep -c '^>' || true)
echo "$changed of 5 tables differ from the generated data (the planted defects, then the repair)"

# ---------------------------------------------------------------------------------------------
heading "10. backup and its verification"
if [ "$ENGINE" = sqlite ]; then
  show "SELECT path, bytes, verified, checksum, reason FROM vigil_backup('$BACKUP');"
  show "SELECT path, bytes, verified, checksum, reason FROM vigil_backup_verify('$BACKUP');"
  [ "$(value "SELECT verified FROM vigil_backup_verify('$BACKUP');")" = 1 ] || fail "the backup does not verify"
else
  # vigil_backup is SQLite's (docs/checksums.md): PostgreSQL has pg_dump and pg_basebackup.
  # Verified the same way: restore the dump, compare vigil_checksums() of both databases.
  value "SELECT vigil_backup('$BACKUP');" 2>&1 | sed 's/^/vigil_backup on PostgreSQL: /' || true
  mkdir -p "$(dirname "$BACKUP")"
  pg_dump -Fc -f "$BACKUP" "$PGDB"
  createdb "${PGDB}_restored"
  pg_restore -d "${PGDB}_restored" "$BACKUP" 2>"$TMP/restore.err" ||
    { cat "$TMP/restore.err"; fail "pg_restore failed after the repair"; }
  value "SELECT table_name, row_count, checksum FROM vigil_checksums();" >"$TMP/a"
  PGDATABASE=${PGDB}_restored value "SELECT table_name, row_count, checksum FROM vigil_checksums();" >"$TMP/b"
  diff "$TMP/a" "$TMP/b" >/dev/null || fail "the restored dump has other checksums"
  echo "pg_dump -Fc: $BACKUP ($(stat -c %s "$BACKUP") bytes), restored into ${PGDB}_restored:"
  echo "vigil_checksums() equal in both databases ($(wc -l <"$TMP/a") tables): verified"
fi

# ---------------------------------------------------------------------------------------------
heading "11. the final vigil_check()"
show "SELECT check_name, severity, table_name, violations FROM vigil_check();"
left=$(value "SELECT count(*) FROM vigil_check() WHERE severity <> 'info';")
[ "$left" = 0 ] || fail "$left findings left after the repair"
echo "clean: no findings"

heading "done in $(( ($(date +%s%N) - START) / 1000000 )) ms"
echo "database: $DB"
echo "backup:   $BACKUP"
