#!/usr/bin/env bash
# tests/faults/pg_kill.sh -- vigil's writing calls killed with kill -9 in the middle.
#
# Starts a throw-away PostgreSQL cluster (initdb, as the postgres user, private socket directory,
# no TCP, port $VIGIL_FAULTS_PG_PORT, default 55444), and for each scenario, in a database of its
# own:
#   1. runs the scenario's setup SQL and records the schema fingerprint;
#   2. starts the "long call" in a psql session (application_name vigil_victim, the setting
#      fault.sleep = on so that a pg_sleep in the scenario's SQL really sleeps);
#   3. waits until that backend is inside the call (the scenario's condition on its
#      pg_stat_activity row, e.g. wait_event = 'PgSleep'), and kills it with kill -9;
#   4. waits for the postmaster's automatic restart (crash recovery: every backend ends, shared
#      memory is reset, WAL is replayed), checking that the server log says so;
#   5. runs the scenario's verify SQL and compares its output with the expected text (ledger and
#      tables exactly as before the call; no advisory lock left; fingerprint unchanged);
#   6. runs the scenario's "after" SQL (the call again, without the sleep) and compares.
# A new scenario is one `scenario` call below (a repair: its long call runs vigil_repair with a
# pg_sleep in a user rule's condition or a slow trigger, and verify counts the table's rows plus
# the quarantine's rows).
# Needs the extension installed (make install).  Last line: "N passed, N failed"; exit 0 when all
# pass.
set -uo pipefail
cd "$(dirname "$0")/../.."

PORT=${VIGIL_FAULTS_PG_PORT:-55444}
BASE=${VIGIL_FAULTS_PG_DIR:-/tmp/vigil-faults-$PORT}
BIN=$(pg_config --bindir)
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi

passed=0
failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
fail() {
  echo "FAIL $1"
  [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'
  failed=$((failed + 1))
}
check_equal() {  # name expected actual
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected:"$'\n'"$2"$'\n'"actual:"$'\n'"$3"; fi
}

stop_server() {
  if [ -f "$BASE/data/postmaster.pid" ]; then
    "${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$BASE"
}
trap stop_server EXIT

# psql on database $DB (default postgres).
q() {
  psql -X -q -At -h "$BASE" -p "$PORT" -U postgres -d "${DB:-postgres}" -v ON_ERROR_STOP=1 "$@"
}

stop_server
mkdir -p "$BASE"
if [ "$(id -u)" = 0 ]; then chown postgres: "$BASE"; fi
"${RUN[@]}" "$BIN/initdb" -D "$BASE/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  >"$BASE/initdb.log" 2>&1 || { cat "$BASE/initdb.log"; exit 1; }
{
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$BASE'"
  echo "port = $PORT"
  echo "fsync = off"
  echo "restart_after_crash = on"  # the default, stated: this test is about it
} >>"$BASE/data/postgresql.conf"
for fd in $(ls /proc/$$/fd); do  # the server must not inherit a caller's lock (flock)
  if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
"${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/data" -l "$BASE/server.log" -w start >/dev/null ||
  { cat "$BASE/server.log"; exit 1; }

crashes=0
# Whether the server has gone through its restart for the latest kill (its log says so: a new
# connection could otherwise slip in before the postmaster has seen the backend die) and
# accepts connections again.
restarted() {
  [ "$(grep -c "all server processes terminated; reinitializing" "$BASE/server.log")" -ge "$crashes" ] &&
    q -d postgres -c "SELECT 1" >/dev/null 2>&1
}
# Every wait below polls its condition every 0.1 s; the count is only a safety limit (5 min)
# that turns a hang into a failure.
POLLS=3000
# scenario NAME SETUP LONG_CALL WAIT_CONDITION VERIFY EXPECTED AFTER EXPECTED_AFTER
#   SETUP, VERIFY, AFTER: SQL run with psql -At (VERIFY and AFTER: their output is compared);
#   LONG_CALL: the SQL of the session that is killed;
#   WAIT_CONDITION: SQL condition on the victim's pg_stat_activity row that says "inside the call".
#   In VERIFY and AFTER, :'fingerprint' is the schema fingerprint recorded after SETUP.
scenario() {
  local name=$1 setup=$2 call=$3 condition=$4 verify=$5 expected=$6 after=$7 expected_after=$8
  crashes=$((crashes + 1))
  export DB="faults_$crashes"
  q -d postgres -c "CREATE DATABASE $DB" || { fail "$name: create database"; return; }
  if ! { q -c "CREATE EXTENSION vigil" && q <<<"$setup"; } >/dev/null; then
    fail "$name: setup"
    return
  fi
  local fingerprint
  fingerprint=$(q -c "SELECT vigil_schema_fingerprint()")

  PGAPPNAME=vigil_victim PGOPTIONS="-c fault.sleep=on" \
    psql -X -q -At -h "$BASE" -p "$PORT" -U postgres -d "$DB" >"$BASE/victim.out" 2>&1 <<<"$call" &
  local victim=$!
  local pid="" i
  for i in $(seq 1 $POLLS); do
    pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'vigil_victim'
                AND state = 'active' AND ($condition)")
    [ -n "$pid" ] && break
    sleep 0.1
  done
  if [ -z "$pid" ]; then
    fail "$name: the call never reached the point to kill" "$(cat "$BASE/victim.out")"
    kill "$victim" 2>/dev/null
    wait "$victim" 2>/dev/null
    return
  fi
  kill -9 "$pid"
  wait "$victim"
  local victim_status=$?
  # The postmaster restarts every backend and replays WAL; wait until it has and accepts
  # connections again.
  for i in $(seq 1 $POLLS); do
    restarted && break
    sleep 0.1
  done
  if [ "$victim_status" -ne 0 ] && grep -q "server closed the connection unexpectedly" "$BASE/victim.out" &&
     [ "$(grep -c "was terminated by signal 9: Killed" "$BASE/server.log")" -eq "$crashes" ] &&
     grep -q "all server processes terminated; reinitializing" "$BASE/server.log"; then
    ok "$name: backend $pid killed in the call, server restarted"
  else
    fail "$name: the kill" "victim exit $victim_status: $(cat "$BASE/victim.out")"$'\n'"$(tail -5 "$BASE/server.log")"
  fi
  check_equal "$name: after the restart" "$expected" \
    "$(PGOPTIONS="-c client_min_messages=warning" q -v fingerprint="$fingerprint" <<<"$verify" 2>&1)"
  check_equal "$name: the call again" "$expected_after" \
    "$(PGOPTIONS="-c client_min_messages=warning" q -v fingerprint="$fingerprint" <<<"$after" 2>&1)"
  unset DB
}

# The ledger, as text: every registered migration's state, the history's events, the tables.
LEDGER="SELECT string_agg(version || '=' || state, ' ' ORDER BY version) FROM vigil_migration_status();
SELECT 'events: ' || coalesce(string_agg(version || ' ' || action, ', ' ORDER BY event_id), '-')
FROM vigil_migration_events;"
NO_LOCKS="SELECT 'advisory locks: ' || count(*) FROM pg_locks WHERE locktype = 'advisory';"
SAME_SCHEMA="SELECT 'schema as before: ' || (vigil_schema_fingerprint() = :'fingerprint');"
# In the victim, a sleep that lasts until the kill (a day: never reached); elsewhere none.
SLEEP="SELECT pg_sleep(CASE current_setting('fault.sleep', true) WHEN 'on' THEN 86400 ELSE 0 END);"

# A row trigger that sleeps (in the killed session only).
SLOW_TRIGGER="CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS \$f\$ BEGIN ${SLEEP/SELECT/PERFORM}
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END; END \$f\$;"
BASE_SETUP="CREATE TABLE items (id integer PRIMARY KEY, v integer NOT NULL);
INSERT INTO items SELECT g, g FROM generate_series(1, 1000) g;"

# 1. vigil_migrate killed in a statement of the second migration's up_sql.  The call is one
#    transaction: after the crash both migrations are pending, nothing of either is left.
scenario "vigil_migrate, kill -9 inside up_sql" "$BASE_SETUP
SELECT vigil_migration_add('1', 'tags', 'CREATE TABLE tags (id integer PRIMARY KEY);', 'DROP TABLE tags;');
SELECT vigil_migration_add('2', 'notes', \$m\$
  CREATE TABLE notes (id integer PRIMARY KEY, item integer REFERENCES items);
  INSERT INTO notes SELECT id, id FROM items;
  $SLEEP
  ALTER TABLE items ADD COLUMN note text;\$m\$, 'DROP TABLE notes; ALTER TABLE items DROP COLUMN note;');" \
  "SELECT * FROM vigil_migrate();" \
  "wait_event = 'PgSleep'" \
  "$LEDGER $NO_LOCKS $SAME_SCHEMA
SELECT 'tables: ' || coalesce(to_regclass('tags')::text, '-') || ' ' || coalesce(to_regclass('notes')::text, '-');
SELECT 'items: ' || count(*) || ' ' || sum(v) FROM items;" \
  "1=pending 2=pending
events: -
advisory locks: 0
schema as before: true
tables: - -
items: 1000 500500" \
  "SELECT version || ' ' || status FROM vigil_migrate();
$LEDGER
SELECT 'notes: ' || count(*) FROM notes;" \
  "1 applied
2 applied
1=applied 2=applied
events: 1 apply, 2 apply
notes: 1000"

# 2. CALL vigil_migrate_strict() commits each migration: killed in the second, the first stays
#    applied (committed), the second is pending with nothing of it left.
scenario "vigil_migrate_strict, kill -9 in the second migration" "$BASE_SETUP
SELECT vigil_migration_add('1', 'tags', 'CREATE TABLE tags (id integer PRIMARY KEY);', 'DROP TABLE tags;');
SELECT vigil_migration_add('2', 'notes', \$m\$
  CREATE TABLE notes (id integer PRIMARY KEY);
  $SLEEP\$m\$, 'DROP TABLE notes;');" \
  "CALL vigil_migrate_strict();" \
  "wait_event = 'PgSleep'" \
  "$LEDGER $NO_LOCKS
SELECT 'tables: ' || coalesce(to_regclass('tags')::text, '-') || ' ' || coalesce(to_regclass('notes')::text, '-');" \
  "1=applied 2=pending
events: 1 apply
advisory locks: 0
tables: tags -" \
  "CALL vigil_migrate_strict();
$LEDGER" \
  "1=applied 2=applied
events: 1 apply, 2 apply"

# 3. A big UPDATE in up_sql, killed in the middle of it: the second UPDATE has written new
#    versions of some rows and not of others when a row trigger (its WHEN clause picks one row of
#    that UPDATE) sleeps.  Every row keeps its value exactly once; the migration is pending; run
#    again, it adds 1 to each.
scenario "vigil_migrate, kill -9 during a big UPDATE" "CREATE TABLE big (id integer PRIMARY KEY, v integer NOT NULL);
INSERT INTO big SELECT g, 0 FROM generate_series(1, 300000) g;
$SLOW_TRIGGER
CREATE TRIGGER slow BEFORE UPDATE ON big FOR EACH ROW WHEN (OLD.id = 150000 AND NEW.v = 2)
  EXECUTE FUNCTION slow();
SELECT vigil_migration_add('1', 'bump', 'UPDATE big SET v = v + 1; UPDATE big SET v = v + 1; UPDATE big SET v = v - 1;');" \
  "SELECT * FROM vigil_migrate();" \
  "wait_event = 'PgSleep'" \
  "$LEDGER $NO_LOCKS $SAME_SCHEMA
SELECT 'big: ' || count(*) || ' rows, ' || count(DISTINCT id) || ' ids, sum ' || sum(v) FROM big;" \
  "1=pending
events: -
advisory locks: 0
schema as before: true
big: 300000 rows, 300000 ids, sum 0" \
  "SELECT version || ' ' || status FROM vigil_migrate();
SELECT 'big: ' || count(*) || ' rows, sum ' || sum(v) FROM big;" \
  "1 applied
big: 300000 rows, sum 300000"

# 4. vigil_rollback killed inside down_sql: the migration stays applied, its table is there.
scenario "vigil_rollback, kill -9 inside down_sql" "$BASE_SETUP
SELECT vigil_migration_add('1', 'tags', 'CREATE TABLE tags (id integer PRIMARY KEY);
  INSERT INTO tags VALUES (1), (2);', \$m\$DROP TABLE tags; $SLEEP\$m\$);
SELECT count(*) FROM vigil_migrate();" \
  "SELECT * FROM vigil_rollback('0');" \
  "wait_event = 'PgSleep'" \
  "$LEDGER $NO_LOCKS $SAME_SCHEMA
SELECT 'tags: ' || count(*) FROM tags;" \
  "1=applied
events: 1 apply
advisory locks: 0
schema as before: true
tags: 2" \
  "SELECT version || ' ' || status FROM vigil_rollback('0');
$LEDGER" \
  "1 rolled_back
1=rolled_back
events: 1 apply, 1 rollback"

# 6. vigil_repair killed while it moves rows (a BEFORE DELETE trigger sleeps in the first row's
#    delete, after that row's copy went into the quarantine): the repair is one transaction, so
#    after the restart every original row is in the table, none in the quarantine; run again,
#    every row is in the table or the quarantine exactly once.
ONCE_EACH="SELECT 'rows: ' || count(*) || ', ids: ' || count(DISTINCT id) FROM (SELECT id FROM items
  UNION ALL SELECT (row_data->>'id')::int FROM vigil_quarantine WHERE restored_at IS NULL) x;
SELECT 'in the table: ' || count(*) FROM items;"
scenario "vigil_repair, kill -9 while it moves rows" "$BASE_SETUP
$SLOW_TRIGGER
CREATE TRIGGER slow BEFORE DELETE ON items FOR EACH ROW EXECUTE FUNCTION slow();
SELECT vigil_rule_add('small', 'items', 'v <= 900', 'error', 'quarantine');" \
  "SELECT * FROM vigil_repair(false);" \
  "wait_event = 'PgSleep'" \
  "$NO_LOCKS $ONCE_EACH
SELECT 'quarantined: ' || count(*) FROM vigil_quarantine;" \
  "advisory locks: 0
rows: 1000, ids: 1000
in the table: 1000
quarantined: 0" \
  "SELECT action || ' ' || rows_affected || ' batch ' || batch FROM vigil_repair(false);
$ONCE_EACH" \
  "quarantine 100 batch 1
rows: 1000, ids: 1000
in the table: 900"

# 7. vigil_restore killed while it puts rows back (a BEFORE INSERT trigger sleeps): the batch
#    stays quarantined and unrestored, the table as the repair left it; run again, all back.
scenario "vigil_restore, kill -9 while it puts rows back" "$BASE_SETUP
$SLOW_TRIGGER
SELECT vigil_rule_add('small', 'items', 'v <= 900', 'error', 'quarantine');
SELECT count(*) FROM vigil_repair(false);
CREATE TRIGGER slow BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION slow();" \
  "SELECT vigil_restore(1);" \
  "wait_event = 'PgSleep'" \
  "$NO_LOCKS $ONCE_EACH
SELECT 'restored: ' || count(restored_at) FROM vigil_quarantine;" \
  "advisory locks: 0
rows: 1000, ids: 1000
in the table: 900
restored: 0" \
  "SELECT 'put back: ' || vigil_restore(1);
SELECT 'in the table: ' || count(*) || ', sum ' || sum(v) FROM items;
SELECT 'restored: ' || count(restored_at) FROM vigil_quarantine;" \
  "put back: 100
in the table: 1000, sum 500500
restored: 100"

# 5. A migration that cannot run in a transaction ("transactional": false, CREATE INDEX
#    CONCURRENTLY) is manual: the client runs it.  Killed while the index is being built (held
#    up by another session's open transaction), it leaves what PostgreSQL leaves: an INVALID
#    index, which vigil_check reports; the migration stays manual (never marked applied).  The
#    client drops the index, runs the statement again and marks the migration applied.
manual_scenario() {
  local name="manual migration (CREATE INDEX CONCURRENTLY), kill -9 in the build"
  crashes=$((crashes + 1))
  export DB="faults_$crashes"
  q -d postgres -c "CREATE DATABASE $DB" || { fail "$name: create database"; return; }
  if ! { q -c "CREATE EXTENSION vigil" && q <<<"$BASE_SETUP
SELECT vigil_migration_add('1', 'v index', 'CREATE INDEX CONCURRENTLY items_v ON items (v);',
  'DROP INDEX items_v;', '{\"transactional\": false}');
SELECT count(*) FROM vigil_migrate();"; } >/dev/null; then
    fail "$name: setup"
    return
  fi
  # A session with an open writing transaction on items: CREATE INDEX CONCURRENTLY waits for it
  # after it has committed the (invalid) index entry.
  (PGAPPNAME=vigil_holder psql -X -q -At -h "$BASE" -p "$PORT" -U postgres -d "$DB" \
    -c "BEGIN" -c "INSERT INTO items VALUES (100001, 1)" -c "SELECT pg_sleep(86400)" \
    >/dev/null 2>&1 &)
  local i holding=""
  for i in $(seq 1 $POLLS); do
    holding=$(q -c "SELECT 1 FROM pg_stat_activity WHERE application_name = 'vigil_holder' AND wait_event = 'PgSleep'")
    [ -n "$holding" ] && break
    sleep 0.1
  done
  if [ -z "$holding" ]; then
    fail "$name: the holder's transaction never started"
    return
  fi
  PGAPPNAME=vigil_victim psql -X -q -At -h "$BASE" -p "$PORT" -U postgres -d "$DB" \
    >"$BASE/victim.out" 2>&1 <<<"SELECT s FROM vigil_migration_status(), jsonb_array_elements_text(manual_sql) AS s WHERE version = '1' \gexec" &
  local victim=$! pid=""
  for i in $(seq 1 $POLLS); do
    pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'vigil_victim'
                AND state = 'active' AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'")
    [ -n "$pid" ] && break
    sleep 0.1
  done
  if [ -z "$pid" ]; then
    fail "$name: the build never waited" "$(cat "$BASE/victim.out")"
    return
  fi
  kill -9 "$pid"
  wait "$victim"
  for i in $(seq 1 $POLLS); do
    restarted && break
    sleep 0.1
  done
  if [ "$(grep -c "was terminated by signal 9: Killed" "$BASE/server.log")" -eq "$crashes" ]; then
    ok "$name: backend $pid killed in the build, server restarted"
  else
    fail "$name: the kill" "$(tail -5 "$BASE/server.log")"
  fi
  check_equal "$name: after the restart" "1=manual
events: -
advisory locks: 0
index valid: false
vigil_check: invalid_index items_v" "$(q <<<"$LEDGER $NO_LOCKS
SELECT 'index valid: ' || indisvalid FROM pg_index WHERE indexrelid = 'items_v'::regclass;
SELECT 'vigil_check: ' || check_name || ' ' || coalesce(detail, '') FROM vigil_check() WHERE check_name = 'invalid_index';" 2>&1 |
    sed -E 's/^(vigil_check: invalid_index) .*(items_v).*/\1 \2/')"
  check_equal "$name: the client repairs and marks it" "1=applied
events: 1 mark
vigil_check invalid_index: 0" "$(q <<<"DROP INDEX items_v;
CREATE INDEX CONCURRENTLY items_v ON items (v);
SELECT vigil_migration_mark_applied('1') \\g /dev/null
$LEDGER
SELECT 'vigil_check invalid_index: ' || count(*) FROM vigil_check() WHERE check_name = 'invalid_index';" 2>&1)"
  unset DB
}
manual_scenario

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
