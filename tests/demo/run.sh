#!/usr/bin/env bash
# tests/demo/run.sh -- the validation platform of examples/validation_platform/, checked quickly
# (make test; about 10 s).  Needs build/vigil.so; the PostgreSQL part runs when the PG*
# variables reach a cluster with the extension installed and shared_preload_libraries = 'vigil'
# (scripts/test.sh's), and is skipped, saying so, otherwise (VIGIL_DEMO_REQUIRE_PG=1: fail then).
#
#  1. `make demo` on SQLite at a small scale: scripts/demo.sh itself fails unless vigil_check()
#     finds exactly the planted defects and the backup verifies; checked here from its output.
#  2. the same with another seed: other rows and other checksums, the same counts.
#  3. the one-file schema (schema.sqlite.sql) has the fingerprint of the migrations;
#     rolling every migration back leaves no table, and applying them again gives it back.
#  4. PostgreSQL: the demo again; the same fingerprint and the same checksums of the generated
#     data as SQLite for the same seed and scale; schema.postgres.sql's fingerprint too.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
OUT=$ROOT/build/demo-test
rm -rf "$OUT"
mkdir -p "$OUT"
EX=examples/validation_platform
passed=0
failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
sq() { sqlite3 -bail -batch -noheader -cmd ".load $ROOT/build/vigil" "$@"; }

demo() { # engine seed out-dir
  mkdir -p "$3"
  DEMO_SKIP_BUILD=1 DEMO_VIDEOS=40 DEMO_SEED=$2 DEMO_OUT=$3 DEMO_DB=$3/demo.db DEMO_PG_EXISTING=1 \
    scripts/demo.sh "$1" >"$3/$1.out" 2>&1
}
found_all() { grep -q "every planted defect was found: 54 rows in 12 findings" "$1"; }

# 1. SQLite, seed 42
if demo sqlite 42 "$OUT/s42"; then ok "demo sqlite (seed 42)"; else bad "demo sqlite (seed 42)"; tail -30 "$OUT/s42/sqlite.out"; fi
check "sqlite: planted defects found" found_all "$OUT/s42/sqlite.out"
check "sqlite: backup verified" test -s "$OUT/s42/demo-backup.db"
# The database the demo leaves, read on its own: the planted defects (or, once vigil_repair
# exists and the demo has repaired them, none).
if [ "$(sq "$OUT/s42/demo.db" "SELECT count(*) FROM vigil_functions() WHERE name = 'vigil_repair';")" = 1 ]; then
  check "sqlite: no findings left after the repair" \
    test "$(sq "$OUT/s42/demo.db" "SELECT count(*) FROM vigil_check() WHERE severity <> 'info';")" = 0
else
  check "sqlite: demo.db holds the 12 planted findings, 54 rows" \
    test "$(sq "$OUT/s42/demo.db" "SELECT count(*) || ' ' || sum(violations) FROM vigil_check();")" = "12 54"
fi
check "the demo refuses a scale too small for the defects" \
  bash -c 'DEMO_SKIP_BUILD=1 DEMO_VIDEOS=5 scripts/demo.sh >/dev/null 2>&1; [ $? = 2 ]'
# 2. another seed
if demo sqlite 7 "$OUT/s7"; then ok "demo sqlite (seed 7)"; else bad "demo sqlite (seed 7)"; tail -30 "$OUT/s7/sqlite.out"; fi
check "sqlite seed 7: planted defects found" found_all "$OUT/s7/sqlite.out"
other_data() { [ -s "$1" ] && [ -s "$2" ] && ! cmp -s "$1" "$2"; }
check "another seed gives other data" other_data "$OUT/s42/sqlite.checksums" "$OUT/s7/sqlite.checksums"
check "the same seed gives the same schema" cmp -s "$OUT/s42/sqlite.fingerprint" "$OUT/s7/sqlite.fingerprint"

# 3. the one-file schema, and the migrations down and up
sq "$OUT/onefile.db" <"$EX/schema.sqlite.sql"
check "schema.sqlite.sql has the fingerprint of the migrations" \
  test "$(sq "$OUT/onefile.db" 'SELECT vigil_schema_fingerprint();')" = "$(cat "$OUT/s42/sqlite.fingerprint")"
rm -f "$OUT/updown.db"
"$EX"/migrations/register.sh sqlite | sq "$OUT/updown.db" >/dev/null
sq "$OUT/updown.db" 'SELECT vigil_migrate();' >/dev/null
sq "$OUT/updown.db" "SELECT vigil_rollback('0');" >/dev/null
check "rolling back every migration leaves no table" \
  test "$(sq "$OUT/updown.db" "SELECT count(*) FROM vigil_schema();")" = 0
check "rolled back: 7 migrations" \
  test "$(sq "$OUT/updown.db" "SELECT count(*) FROM vigil_migration_status() WHERE state = 'rolled_back';")" = 7
sq "$OUT/updown.db" 'SELECT vigil_migrate();' >/dev/null
check "applied again: the same fingerprint" \
  test "$(sq "$OUT/updown.db" 'SELECT vigil_schema_fingerprint();')" = "$(cat "$OUT/s42/sqlite.fingerprint")"

# 4. PostgreSQL
if psql -X -q -At -c 'SELECT 1' >/dev/null 2>&1; then
  if demo postgres 42 "$OUT/s42"; then ok "demo postgres (seed 42)"; else bad "demo postgres (seed 42)"; tail -30 "$OUT/s42/postgres.out"; fi
  check "postgres: planted defects found" \
    grep -q "every planted defect was found: 51 rows in 13 findings" "$OUT/s42/postgres.out"
  check "postgres: backup restored and verified" grep -q "vigil_checksums() equal in both databases" "$OUT/s42/postgres.out"
  check "the same fingerprint on both engines" cmp "$OUT/s42/sqlite.fingerprint" "$OUT/s42/postgres.fingerprint"
  check "the same checksums of the generated data on both engines" \
    cmp "$OUT/s42/sqlite.checksums" "$OUT/s42/postgres.checksums"
  db=vigil_onefile_$$
  createdb "$db" && psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION vigil' -f "$EX/schema.postgres.sql" >/dev/null
  check "schema.postgres.sql has the fingerprint of the migrations" \
    test "$(psql -X -At -d "$db" -c 'SELECT vigil_schema_fingerprint();')" = "$(cat "$OUT/s42/sqlite.fingerprint")"
  dropdb --if-exists "$db"
elif [ -n "${VIGIL_DEMO_REQUIRE_PG:-}" ]; then
  bad "PostgreSQL not reachable"
else
  echo "skipped: PostgreSQL part (no server reachable through PG* variables)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
