#!/usr/bin/env bash
# tests/replica/run.sh -- vigil on a PostgreSQL primary and its streaming hot standby.
#
# Makes a throw-away primary (initdb) and a hot standby of it (pg_basebackup -R, streaming),
# both as the postgres user on a private socket directory, no TCP, then checks that
#   - the read-only functions (vigil_checksums, vigil_table_stats, vigil_schema_fingerprint, and
#     every other vigil function that does not write and needs no argument, such as vigil_check and
#     vigil_health where they exist) run on the standby;
#   - vigil_checksums() on the standby differs while replay is paused behind the primary's
#     writes, and agrees with the primary once replay has caught up;
#   - every function that writes (vigil_functions().writes) stops with 25006 and a hint naming
#     the standby.
# Needs the extension installed (make install).  Ports: VIGIL_REPLICA_PORTS="primary standby"
# (default "55442 55443").  The last line is "N passed, N failed"; exit status 0 when all pass.
set -uo pipefail
cd "$(dirname "$0")/../.."

read -r PRIMARY_PORT STANDBY_PORT <<<"${VIGIL_REPLICA_PORTS:-55442 55443}"
BASE=${VIGIL_REPLICA_DIR:-/tmp/vigil-replica-$PRIMARY_PORT}
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
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected: $2"$'\n'"actual:   $3"; fi
}

stop_all() {
  for d in standby primary; do
    if [ -f "$BASE/$d/postmaster.pid" ]; then
      "${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/$d" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$BASE"
}
trap stop_all EXIT

# psql on one server: primary | standby, then psql arguments.
sql() {
  local port=$PRIMARY_PORT
  [ "$1" = standby ] && port=$STANDBY_PORT
  shift
  psql -X -q -At -h "$BASE" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

stop_all
mkdir -p "$BASE"
if [ "$(id -u)" = 0 ]; then chown postgres: "$BASE"; fi

# --- the primary ------------------------------------------------------------------------------
"${RUN[@]}" "$BIN/initdb" -D "$BASE/primary" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  >"$BASE/initdb.log" 2>&1 || { cat "$BASE/initdb.log"; exit 1; }
cat >>"$BASE/primary/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$BASE'
port = $PRIMARY_PORT
fsync = off
wal_level = replica
max_wal_senders = 4
hot_standby = on
# as in production: query statistics need the library preloaded (on the standby too)
shared_preload_libraries = 'vigil'
EOF
"${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/primary" -l "$BASE/primary.log" -w start >/dev/null ||
  { cat "$BASE/primary.log"; exit 1; }

sql primary <<'SQL' || { echo "setup on the primary failed"; exit 1; }
CREATE EXTENSION vigil;
CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL UNIQUE, created_at timestamptz);
CREATE TABLE events (id bigint PRIMARY KEY, project_id integer REFERENCES projects,
                     confidence double precision, amount numeric(12, 2), label varchar(20),
                     payload jsonb, blob bytea, seen boolean, day date);
INSERT INTO projects SELECT g, 'project ' || g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour'
FROM generate_series(1, 20) g;
INSERT INTO events SELECT g, 1 + g % 20, (g % 100) / 100.0, g * 1.25, 'label ' || (g % 7),
                          jsonb_build_object('g', g, 'sq', g * g), decode(md5(g::text), 'hex'),
                          g % 3 = 0, date '2026-01-01' + g % 365
FROM generate_series(1, 5000) g;
SQL

# --- the standby: a base backup that streams and replays --------------------------------------
"${RUN[@]}" "$BIN/pg_basebackup" -h "$BASE" -p "$PRIMARY_PORT" -U postgres -D "$BASE/standby" \
  -R -X stream -c fast >"$BASE/basebackup.log" 2>&1 || { cat "$BASE/basebackup.log"; exit 1; }
echo "port = $STANDBY_PORT" >>"$BASE/standby/postgresql.conf"
"${RUN[@]}" "$BIN/pg_ctl" -D "$BASE/standby" -l "$BASE/standby.log" -w start >/dev/null ||
  { cat "$BASE/standby.log"; exit 1; }

check_equal "the standby is in recovery" "t" "$(sql standby -c 'SELECT pg_is_in_recovery()')"
receiver=""
# Polled; the count only turns a hang into a failure (5 min).
for _ in $(seq 1 3000); do  # the WAL receiver starts just after the server accepts connections
  receiver=$(sql standby -c 'SELECT status FROM pg_stat_wal_receiver')
  [ "$receiver" = streaming ] && break
  sleep 0.1
done
check_equal "the standby streams from the primary" "streaming" "$receiver"
write_error=$(sql standby -c "INSERT INTO projects VALUES (99, 'x', NULL)" 2>&1)
case "$write_error" in
  *"read-only transaction"*) ok "a plain write on the standby is refused" ;;
  *) fail "a plain write on the standby is refused" "$write_error" ;;
esac

# Waits until the standby has replayed everything the primary has written so far.
wait_for_replay() {
  local lsn
  lsn=$(sql primary -c 'SELECT pg_current_wal_lsn()')
  for _ in $(seq 1 3000); do  # polled; the count only turns a hang into a failure (5 min)
    if [ "$(sql standby -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# --- replay paused: the standby is behind, and vigil_checksums() shows it ----------------------
# Once pg_wal_replay_pause() has returned, the startup process applies no record it reads after
# (it checks the request before each record), so none of the primary's changes below reach the
# standby's tables, however soon or late their WAL arrives: no wait is needed.
sql standby -c 'SELECT pg_wal_replay_pause()' >/dev/null
sql primary <<'SQL'
UPDATE events SET label = label || ' ' WHERE id = 4242;
DELETE FROM events WHERE id BETWEEN 100 AND 109;
INSERT INTO projects VALUES (21, 'project 21', NULL);
SQL
primary_sums=$(sql primary -c 'SELECT * FROM vigil_checksums()')
standby_sums=$(sql standby -c 'SELECT * FROM vigil_checksums()')
if [ "$primary_sums" != "$standby_sums" ]; then
  ok "vigil_checksums() differs while replay is paused"
else
  fail "vigil_checksums() differs while replay is paused" "$primary_sums"
fi
sql standby -c 'SELECT pg_wal_replay_resume()' >/dev/null

# --- caught up: the same checksums, statistics and fingerprint ---------------------------------
if wait_for_replay; then ok "replay caught up"; else fail "replay caught up" "$(tail -5 "$BASE/standby.log")"; fi
primary_sums=$(sql primary -c 'SELECT * FROM vigil_checksums()')
standby_sums=$(sql standby -c 'SELECT * FROM vigil_checksums()')
check_equal "vigil_checksums() agrees after replay" "$primary_sums" "$standby_sums"
check_equal "vigil_checksums() lists both tables with their row counts" "events|4990 projects|21" \
  "$(sql standby -c 'SELECT table_name, row_count FROM vigil_checksums()' | tr '\n' ' ' | sed 's/ $//')"
check_equal "vigil_table_checksum() with a column list agrees" \
  "$(sql primary -c "SELECT vigil_table_checksum('events', 'id, label')")" \
  "$(sql standby -c "SELECT vigil_table_checksum('events', 'id, label')")"
check_equal "vigil_checksum_segments() agrees" \
  "$(sql primary -c "SELECT * FROM vigil_checksum_segments('events', 8)")" \
  "$(sql standby -c "SELECT * FROM vigil_checksum_segments('events', 8)")"
check_equal "vigil_table_stats() row counts agree" \
  "$(sql primary -c 'SELECT table_name, row_count, index_count FROM vigil_table_stats()')" \
  "$(sql standby -c 'SELECT table_name, row_count, index_count FROM vigil_table_stats()')"
check_equal "vigil_schema_fingerprint() agrees" \
  "$(sql primary -c 'SELECT vigil_schema_fingerprint()')" \
  "$(sql standby -c 'SELECT vigil_schema_fingerprint()')"

# --- every read-only function that needs no argument runs on the standby ------------------------
readers=$(sql standby -c "
SELECT p.proname FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
JOIN vigil_functions() f ON f.name = p.proname
WHERE NOT f.writes AND p.pronargs = p.pronargdefaults ORDER BY 1")
for f in vigil_checksums vigil_table_stats vigil_schema_fingerprint; do
  case " $(echo $readers) " in
    *" $f "*) ;;
    *) fail "$f is a read-only function of the extension" "$readers" ;;
  esac
done
for f in $readers; do
  if out=$(sql standby -c "SELECT count(*) FROM $f()" 2>&1); then
    ok "$f() runs on the standby"
  else
    fail "$f() runs on the standby" "$out"
  fi
done

# --- every function that writes stops with a read-only error ------------------------------------
writers=$(sql standby -c "
SELECT format('SELECT * FROM %I(%s)', p.proname,
              coalesce((SELECT string_agg('NULL::' || pg_catalog.format_type(t, NULL), ', ' ORDER BY n)
                        FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, n)), ''))
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
JOIN vigil_functions() f ON f.name = p.proname
WHERE f.writes ORDER BY p.proname")
if [ -z "$writers" ]; then fail "the extension has functions that write" ""; fi
while IFS= read -r call; do
  [ -z "$call" ] && continue
  out=$(sql standby -v VERBOSITY=verbose -c "$call" 2>&1)
  case "$out" in
    *"ERROR:  25006: "*"cannot run in a read-only transaction"*"hot standby"*)
      ok "read-only error on the standby: $call" ;;
    *) fail "read-only error on the standby: $call" "$out" ;;
  esac
done <<<"$writers"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
