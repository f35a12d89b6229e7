-- sql/faults.sql: a C++ exception or std::bad_alloc inside the core, while SPI, vigil's
-- subtransactions and C++ objects are alive, becomes a clean ERROR (53200 out of memory; XX000
-- for any other exception) and the session goes on.  The faults come from the superuser-only
-- test fault point vigil.debug_fault (pg_extension/debug_fault.hpp): the (N+1)th statement of a
-- call throws instead of running, N = vigil.debug_fault_after.
-- (the settings exist once the library is loaded: by the first call of a vigil function)
SELECT vigil_version() IS NOT NULL AS loaded;
SHOW vigil.debug_fault;
SHOW vigil.debug_fault_after;
-- only a superuser may set it
CREATE ROLE vigil_fault_user;
SET ROLE vigil_fault_user;
SET vigil.debug_fault = 'bad_alloc';
SET vigil.debug_fault_after = 1;
RESET ROLE;
DROP ROLE vigil_fault_user;
SET vigil.debug_fault = 'nonsense';

CREATE TABLE fault_items (id integer PRIMARY KEY, qty integer NOT NULL);
INSERT INTO fault_items SELECT g, g * 10 FROM generate_series(1, 20) g;

-- std::bad_alloc in a table function and in a scalar function: 53200, the session goes on
SET vigil.debug_fault = 'bad_alloc';
\set VERBOSITY sqlstate
SELECT * FROM vigil_table_stats('fault_items');
\set VERBOSITY default
SELECT * FROM vigil_table_stats('fault_items');
SELECT 1 AS still_working;
SELECT show_error($$SELECT vigil_schema_fingerprint()$$);
SELECT show_error($$SELECT count(*) FROM vigil_check('fault_items')$$);
SELECT show_error($$SELECT vigil_table_checksum('fault_items')$$);
-- later in the call, with rows already produced
SET vigil.debug_fault_after = 3;
SELECT show_error($$SELECT count(*) FROM vigil_check()$$);
SET vigil.debug_fault_after = 0;

-- any other C++ exception: XX000 with its message
SET vigil.debug_fault = 'exception';
\set VERBOSITY sqlstate
SELECT * FROM vigil_table_stats('fault_items');
\set VERBOSITY default
SELECT * FROM vigil_table_stats('fault_items');
SELECT 1 AS still_working;

-- inside an explicit transaction: aborted like any error, then ROLLBACK and go on
SET vigil.debug_fault = 'bad_alloc';
BEGIN;
INSERT INTO fault_items VALUES (21, 210);
SELECT vigil_schema_fingerprint();
SELECT 1;
ROLLBACK;
SELECT count(*) AS rows_after_rollback FROM fault_items;

-- under a PL/pgSQL EXCEPTION block: caught by its SQLSTATE, the block goes on
DO $$
BEGIN
  PERFORM * FROM vigil_table_stats('fault_items');
  RAISE NOTICE 'not reached';
EXCEPTION WHEN out_of_memory THEN
  RAISE NOTICE 'caught %: %', SQLSTATE, SQLERRM;
END $$;
SET vigil.debug_fault = 'exception';
DO $$
BEGIN
  PERFORM vigil_schema_fingerprint();
EXCEPTION WHEN internal_error THEN
  RAISE NOTICE 'caught %: %', SQLSTATE, SQLERRM;
END $$;

-- Writing functions: a migration and a rule, with the fault at each statement the call runs
-- (N = 0, 1, ... until the call completes), each attempt in a PL/pgSQL exception block.  Every
-- attempt that meets the fault must raise 53200 and leave no trace: the migration pending, its
-- table absent, no history event, no rule; then the call without a fault does the work.  All of
-- it inside one transaction that is rolled back (this test runs right after setup: the ledger
-- has no other migration).
SET vigil.debug_fault = 'off';
BEGIN;
CREATE TEMP TABLE fault_runs (call text, n integer, outcome text, clean boolean);
SELECT vigil_migration_add('9001', 'fault table',
  'CREATE TABLE fault_new (id integer PRIMARY KEY);
   INSERT INTO fault_new SELECT id FROM fault_items;
   ALTER TABLE fault_items ADD COLUMN note text;',
  'DROP TABLE fault_new; ALTER TABLE fault_items DROP COLUMN note;');
DO $$
DECLARE
  n integer := 0;
  events_before bigint := (SELECT count(*) FROM vigil_migration_events);
  outcome text;
BEGIN
  LOOP
    PERFORM set_config('vigil.debug_fault', 'bad_alloc', true);
    PERFORM set_config('vigil.debug_fault_after', n::text, true);
    BEGIN
      SELECT coalesce(string_agg(version || ' ' || status, ', '), 'no row for 9001') INTO outcome
      FROM vigil_migrate('9001') WHERE version = '9001';
    EXCEPTION WHEN OTHERS THEN
      outcome := SQLSTATE || ': ' || SQLERRM;
    END;
    PERFORM set_config('vigil.debug_fault', 'off', true);
    INSERT INTO fault_runs VALUES ('vigil_migrate', n, outcome,
      (SELECT state FROM vigil_migration_status() WHERE version = '9001') = 'pending'
      AND to_regclass('fault_new') IS NULL
      AND (SELECT count(*) FROM vigil_migration_events) = events_before
      AND NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'fault_items'::regclass
                      AND attname = 'note'));
    EXIT WHEN outcome NOT LIKE '53200%' OR n > 300;
    n := n + 1;
  END LOOP;
  n := 0;
  LOOP
    PERFORM set_config('vigil.debug_fault', 'bad_alloc', true);
    PERFORM set_config('vigil.debug_fault_after', n::text, true);
    BEGIN
      outcome := vigil_rule_add('qty positive', 'fault_items', 'qty > 0');
    EXCEPTION WHEN OTHERS THEN
      outcome := SQLSTATE || ': ' || SQLERRM;
    END;
    PERFORM set_config('vigil.debug_fault', 'off', true);
    INSERT INTO fault_runs VALUES ('vigil_rule_add', n, outcome,
      NOT EXISTS (SELECT FROM vigil_rules WHERE name = 'qty positive'));
    EXIT WHEN outcome NOT LIKE '53200%' OR n > 300;
    n := n + 1;
  END LOOP;
END $$;
-- vigil_repair with three rows breaking that rule (qty is NOT NULL: they are quarantined): a
-- fault at any statement leaves the table and the quarantine as they were
UPDATE fault_items SET qty = -qty WHERE id <= 3;
DO $$
DECLARE
  n integer := 0;
  outcome text;
  items_before text := (SELECT string_agg(id || ':' || qty, ',' ORDER BY id) FROM fault_items);
BEGIN
  LOOP
    PERFORM set_config('vigil.debug_fault', 'bad_alloc', true);
    PERFORM set_config('vigil.debug_fault_after', n::text, true);
    BEGIN
      SELECT string_agg(action || ' ' || rows_affected, ', ') INTO outcome FROM vigil_repair(false);
    EXCEPTION WHEN OTHERS THEN
      outcome := SQLSTATE || ': ' || SQLERRM;
    END;
    PERFORM set_config('vigil.debug_fault', 'off', true);
    INSERT INTO fault_runs VALUES ('vigil_repair', n, outcome,
      (SELECT string_agg(id || ':' || qty, ',' ORDER BY id) FROM fault_items) = items_before
      AND NOT EXISTS (SELECT FROM vigil_quarantine));
    EXIT WHEN outcome NOT LIKE '53200%' OR n > 300;
    n := n + 1;
  END LOOP;
END $$;
SELECT count(*) AS items_left, (SELECT count(*) FROM vigil_quarantine) AS quarantined
FROM fault_items;
-- every faulted attempt raised 53200 and left nothing; the last one (no fault left) did the work
SELECT call, count(*) FILTER (WHERE outcome LIKE '53200: out of memory') > 2 AS several_faults,
       bool_and(clean) FILTER (WHERE outcome LIKE '53200%') AS faults_left_no_trace,
       count(*) FILTER (WHERE outcome NOT LIKE '53200%') AS completed_runs,
       max(outcome) FILTER (WHERE outcome NOT LIKE '53200%') AS last_outcome
FROM fault_runs GROUP BY call ORDER BY call;
SELECT version, state FROM vigil_migration_status() WHERE version = '9001';
SELECT count(*) AS fault_new_rows FROM fault_new;
SELECT name, table_name FROM vigil_rules WHERE name = 'qty positive';
ROLLBACK;
-- the history events rolled back above used numbers of its sequence: give them back, so that the
-- tests that follow see the event ids they expect (the history is empty again)
SELECT count(*) AS events FROM vigil_migration_events;
SELECT setval(pg_get_serial_sequence('vigil_migration_events', 'event_id'), 1, false) AS next_id;

RESET vigil.debug_fault;
RESET vigil.debug_fault_after;
SELECT count(*) AS still_working FROM vigil_table_stats('fault_items');
DROP TABLE fault_items;
