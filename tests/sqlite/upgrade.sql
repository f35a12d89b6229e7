-- tests/sqlite/upgrade.sql: a database written by vigil 0.1.0, used by this vigil
-- (docs/upgrading.md).  The fixture tests/sqlite/fixtures/vigil-0.1.0.db was written by the
-- 0.1.0 release (tests/sqlite/fixtures/make-0.1.0.sh): rules, migrations and their events, a
-- quarantined batch, settings, health history and alerts.
--   1. Read-only (a read-only open, PRAGMA query_only): loading writes nothing; functions that
--      only read vigil's tables work while no format step changes them; one that writes says
--      they need an upgrade and how, and nothing is written.
--   2. Read-write: the first writing call upgrades them in one transaction (rolled back with
--      the caller's), vigil_meta says format 2, the data is kept and usable (the 0.1.0 batch is
--      restored, the ledger goes on, the changed setting stays).
--   3. A newer format (written here by hand) or a damaged format row: refused by readers and
--      writers alike, nothing changed.
--   4. A fresh database gets its format row with the first table vigil creates, not before.
.headers on
.mode list
.nullvalue NULL

-- 1. read-only
.open --readonly ../../tests/sqlite/fixtures/vigil-0.1.0.db
.load build/vigil
PRAGMA trusted_schema = OFF;
SELECT vigil_version();
SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'vigil%' ORDER BY name;
SELECT version, name, state FROM vigil_migration_status();
SELECT count(*) AS findings FROM vigil_check();
SELECT vigil_rule_add('positive', 'readings', 'v > 0');
SELECT count(*) AS meta_tables FROM sqlite_schema WHERE name = 'vigil_meta';

.open upgrade.db
.load build/vigil
PRAGMA trusted_schema = OFF;
.restore ../../tests/sqlite/fixtures/vigil-0.1.0.db
PRAGMA query_only = ON;
SELECT count(*) AS findings FROM vigil_check();
SELECT vigil_rule_add('positive', 'readings', 'v > 0');
PRAGMA query_only = OFF;
SELECT count(*) AS meta_tables FROM sqlite_schema WHERE name = 'vigil_meta';

-- 2. read-write: the upgrade is part of the caller's transaction
BEGIN;
SELECT vigil_rule_add('positive', 'readings', 'v > 0');
SELECT * FROM vigil_meta;
ROLLBACK;
SELECT count(*) AS meta_tables FROM sqlite_schema WHERE name = 'vigil_meta';
SELECT count(*) AS rules FROM vigil_rules;
-- in autocommit: upgraded for good
SELECT vigil_rule_add('positive', 'readings', 'v > 0');
SELECT * FROM vigil_meta;
-- the data is kept
SELECT name, table_name, condition, severity, repair FROM vigil_rules ORDER BY name;
SELECT version, state FROM vigil_migrations ORDER BY version;
SELECT count(*) AS events FROM vigil_migration_events;
SELECT batch, table_name, row_key, action, restored_at FROM vigil_quarantine ORDER BY id;
SELECT count(*) > 0 AS history FROM vigil_health_history;
SELECT name, value FROM vigil_settings WHERE name = 'mean_query_ms_warning';
-- ... and usable: the batch quarantined by 0.1.0 comes back, the ledger goes on
SELECT vigil_restore(1) AS restored;
SELECT * FROM readings ORDER BY id;
SELECT rowid, * FROM log ORDER BY rowid;
SELECT version, name, status FROM vigil_migrate();
SELECT check_name, table_name, violations FROM vigil_check();
SELECT count(*) > 0 AS snapshot FROM vigil_snapshot();
SELECT value FROM vigil_settings WHERE name = 'mean_query_ms_warning';

-- 3. a newer format: refused by readers and writers, nothing changed
UPDATE vigil_meta SET value = '3' WHERE name = 'format';
SELECT * FROM vigil_migration_status();
SELECT vigil_rule_drop('positive');
SELECT * FROM vigil_repair(0);
SELECT * FROM vigil_check();
SELECT count(*) AS rules FROM vigil_rules;
SELECT * FROM vigil_meta;
-- functions that use none of vigil's tables still work
SELECT count(*) > 0 AS schema_rows FROM vigil_schema();
-- a damaged format row
UPDATE vigil_meta SET value = 'two' WHERE name = 'format';
SELECT * FROM vigil_migration_status();
DELETE FROM vigil_meta;
SELECT * FROM vigil_migration_status();
INSERT INTO vigil_meta VALUES ('format', '2');
SELECT count(*) AS migrations FROM vigil_migration_status();

-- 4. a fresh database
.open :memory:
.load build/vigil
PRAGMA trusted_schema = OFF;
CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER);
SELECT count(*) AS migrations FROM vigil_migration_status();
SELECT name FROM sqlite_schema WHERE name LIKE 'vigil%' ORDER BY name;
SELECT vigil_rule_add('small', 't', 'v < 10');
SELECT name FROM sqlite_schema WHERE name LIKE 'vigil%' ORDER BY name;
SELECT * FROM vigil_meta;
-- vigil_meta is vigil's: not a user table
SELECT DISTINCT table_name FROM vigil_schema();
