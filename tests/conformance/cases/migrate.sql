-- Migration tracking: the same calls give the same answers in both engines -- registration
-- results, errors, order (numeric versions, requirements first), states, checksums (of the
-- normalised text, so equal across engines), manual migrations, baseline, the history, the
-- schema fingerprint after each step, export and import, and the deploy assertion.  The
-- engines' own error texts, times, durations and the user differ by nature: not compared.

-- query
SELECT count(*) FROM vigil_migration_status();
-- expect
[[0]]

-- query
SELECT vigil_migration_add('1', 'projects', 'CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);', 'DROP TABLE projects;');
-- expect
[["added"]]

-- Trailing blanks and line breaks do not change a migration.
-- query
SELECT vigil_migration_add('1', 'projects', 'CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);   

', 'DROP TABLE projects;');
-- expect
[["unchanged"]]

-- query
SELECT vigil_migration_add('2', 'videos', 'CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id), path TEXT NOT NULL); CREATE INDEX videos_project ON videos (project_id);', 'ALTER TABLE videos DROP COLUMN path;');
-- expect
[["added"]]

-- query
SELECT vigil_migration_add('10', 'fps', 'ALTER TABLE videos ADD COLUMN fps REAL;', 'ALTER TABLE videos DROP COLUMN fps;', '{"requires": ["2"]}');
-- expect
[["added"]]

-- query
SELECT vigil_migration_add('1.10', 'project code', 'ALTER TABLE projects ADD COLUMN code TEXT;', 'ALTER TABLE projects DROP COLUMN code;');
-- expect
[["added"]]

-- query
SELECT vigil_migration_add('1.9', 'seed', 'INSERT INTO projects (id, name) VALUES (1, ''alpha'');', 'DELETE FROM projects WHERE id = 1;');
-- expect
[["added"]]

-- 3 requires 5, which runs just before it.
-- query
SELECT vigil_migration_add('5', 'labels', 'CREATE TABLE labels (name TEXT PRIMARY KEY);', 'DELETE FROM labels;');
-- expect
[["added"]]

-- query
SELECT vigil_migration_add('3', 'tags', 'CREATE TABLE tags (name TEXT PRIMARY KEY);', 'DELETE FROM tags;', '{"requires": ["5"]}');
-- expect
[["added"]]

-- query
SELECT version, name, state, checksum_ok FROM vigil_migration_status();
-- expect
[["1", "projects", "pending", 1],
 ["1.9", "seed", "pending", 1],
 ["1.10", "project code", "pending", 1],
 ["2", "videos", "pending", 1],
 ["5", "labels", "pending", 1],
 ["3", "tags", "pending", 1],
 ["10", "fps", "pending", 1]]

-- Checksums are computed on the normalised text: the same in both engines.
-- query
SELECT version, checksum, checksum_algorithm FROM vigil_migrations ORDER BY version;

-- error 22023
SELECT vigil_migration_add('', 'x', 'SELECT 1');
-- expect
version must not be empty

-- error 22004
SELECT vigil_migration_add(NULL, 'x', 'SELECT 1');
-- expect
argument "version" must not be NULL

-- error 22023
SELECT vigil_migration_add('4 a', 'x', 'SELECT 1');
-- expect
version "4 a" must not contain whitespace or control characters

-- error 22023
SELECT vigil_migration_add('4', '', 'SELECT 1');
-- expect
name must not be empty

-- error 22023
SELECT vigil_migration_add('4', 'x', ' -- only a comment');
-- expect
up_sql contains no SQL statement

-- error 42601
SELECT vigil_migration_add('4', 'x', 'INSERT INTO t VALUES (''abc);');
-- expect
up_sql: unterminated quoted string (line 1)

-- error 42601
SELECT vigil_migration_add('4', 'x', 'CREATE TABLE t (id INTEGER');
-- expect
up_sql: unbalanced parentheses: '(' without ')' (line 1)

-- error 42601
SELECT vigil_migration_add('4', 'x', 'CREAT TABLE t (id INTEGER)');
-- expect
up_sql: statement 1 does not start with an SQL command: "CREAT" (line 1)

-- error 22023
SELECT vigil_migration_add('4', 'x', 'BEGIN; CREATE TABLE t (id INTEGER); COMMIT;');
-- expect
up_sql statement 1 (line 1): BEGIN is not allowed in a migration

-- error 22023
SELECT vigil_migration_add('4', 'x', 'SELECT 1', NULL, '{"retry": 3}');
-- expect
unknown option "retry"

-- error 22023
SELECT vigil_migration_add('4', 'x', 'SELECT 1', NULL, '{"retries": "3"}');
-- expect
option "retries" must be an integer, not string

-- error 22023
SELECT vigil_migration_add('4', 'x', 'SELECT 1', NULL, '{"transactional": 1}');
-- expect
option "transactional" must be true or false, not number

-- error 42704
SELECT vigil_migration_add('4', 'x', 'SELECT 1', NULL, '{"requires": ["99"]}');
-- expect
migration 4 requires version "99", which is not registered

-- error 42710
SELECT vigil_migration_add('01', 'x', 'SELECT 1');
-- expect
version "01" is the same number as registered version "1"

-- error 22023
SELECT vigil_migration_add('2', 'videos', 'SELECT 1', NULL, '{"requires": ["10"]}');
-- expect
the requirements of the migrations form a cycle: 2 -> 10 -> 2

-- error 22023
SELECT vigil_migration_add('4', 'x', 'VACUUM', NULL, '{"transactional": true}');
-- expect
up_sql statement 1 (line 1): VACUUM cannot run inside a transaction, but the option "transactional" is true

-- Nothing was registered by the refused calls.
-- query
SELECT count(*) FROM vigil_migrations;
-- expect
[[7]]

-- Applying, up to a target, then the rest.
-- query
SELECT version, name, status, detail FROM vigil_migrate('1.10');
-- expect
[["1", "projects", "applied", null],
 ["1.9", "seed", "applied", null],
 ["1.10", "project code", "applied", null]]

-- query
SELECT version, name, status FROM vigil_migrate();
-- expect
[["2", "videos", "applied"],
 ["5", "labels", "applied"],
 ["3", "tags", "applied"],
 ["10", "fps", "applied"]]

-- query
SELECT count(*) FROM vigil_migrate();
-- expect
[[0]]

-- query
SELECT version, action, direction, attempts, error FROM vigil_migration_events ORDER BY event_id;
-- expect
[["1", "apply", "up", 1, null],
 ["1.9", "apply", "up", 1, null],
 ["1.10", "apply", "up", 1, null],
 ["2", "apply", "up", 1, null],
 ["5", "apply", "up", 1, null],
 ["3", "apply", "up", 1, null],
 ["10", "apply", "up", 1, null]]

-- The fingerprint recorded after each step is the schema's at that moment; after the last
-- step it is the current one, and the same in both engines for this portable schema.
-- query
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1) = vigil_schema_fingerprint();
-- expect
[[1]]

-- query
SELECT vigil_schema_fingerprint();

-- query
SELECT version, fingerprint FROM vigil_migration_events ORDER BY event_id;

-- query
SELECT version, state, checksum_ok, error, drift, manual_sql FROM vigil_migration_status();
-- expect
[["1", "applied", 1, null, null, null],
 ["1.9", "applied", 1, null, null, null],
 ["1.10", "applied", 1, null, null, null],
 ["2", "applied", 1, null, null, null],
 ["5", "applied", 1, null, null, null],
 ["3", "applied", 1, null, null, null],
 ["10", "applied", 1, null, 0, null]]

-- query
SELECT vigil_migration_assert();
-- expect
[[7]]

-- An applied migration never changes.
-- error 55000
SELECT vigil_migration_add('1', 'projects', 'CREATE TABLE projects (id INTEGER PRIMARY KEY);', 'DROP TABLE projects;');

-- A failing migration: nothing of it remains, the failure is recorded, later ones wait.
-- query
SELECT vigil_migration_add('11', 'bad', 'CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);');
-- expect
[["added"]]

-- query
SELECT vigil_migration_add('12', 'after bad', 'ALTER TABLE labels ADD COLUMN color TEXT;', 'ALTER TABLE labels DROP COLUMN color;');
-- expect
[["added"]]

-- query
SELECT version, status, detail IS NOT NULL FROM vigil_migrate();
-- expect
[["11", "failed", 1]]

-- query
SELECT version, state, error IS NOT NULL FROM vigil_migration_status() WHERE version IN ('11', '12');
-- expect
[["11", "failed", 1], ["12", "pending", 0]]

-- query
SELECT count(*) FROM vigil_schema() WHERE (object_type = 'table' AND name = 'half') OR (object_type = 'column' AND name = 'color');
-- expect
[[0]]

-- (vigil_migration_assert() now names the failure with the engine's own error text.)
-- query
SELECT vigil_migration_assert('4');
-- expect
[[5]]

-- query
SELECT vigil_migration_add('11', 'fixed', 'INSERT INTO labels (name) VALUES (''car'');', 'DELETE FROM labels WHERE name = ''car'';');
-- expect
[["updated"]]

-- query
SELECT version, status FROM vigil_migrate();
-- expect
[["11", "applied"], ["12", "applied"]]

-- Manual migrations: statements that cannot run inside a transaction.
-- query
SELECT vigil_migration_add('13', 'compact', 'VACUUM;');
-- expect
[["added"]]

-- query
SELECT vigil_migration_add('14', 'notes', 'ALTER TABLE videos ADD COLUMN notes TEXT;', 'ALTER TABLE videos DROP COLUMN notes;');
-- expect
[["added"]]

-- query
SELECT version, status, detail FROM vigil_migrate();
-- expect
[["13", "manual", "migration 13 (compact) has statements that cannot run inside a transaction: run the statements of its manual_sql (vigil_migration_status()) yourself, then vigil_migration_mark_applied('13')"]]

-- query
SELECT version, state, manual_sql FROM vigil_migration_status() WHERE version IN ('13', '14');
-- expect
[["13", "manual", ["VACUUM"]], ["14", "pending", null]]

-- error 55000
SELECT vigil_migration_assert();
-- expect
migration 13 (compact) must be run by hand

-- query
SELECT vigil_migration_mark_applied('13');
-- expect
[[1]]

-- error 55000
SELECT vigil_migration_mark_applied('13');
-- expect
migration 13 (compact) is already applied

-- error 42704
SELECT vigil_migration_mark_applied('99');
-- expect
migration 99 is not registered

-- query
SELECT version, status FROM vigil_migrate();
-- expect
[["14", "applied"]]

-- Drift: out-of-band DDL shows up on the row of the latest step.
-- setup
ALTER TABLE videos ADD COLUMN author TEXT;

-- query
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
-- expect
[["14", 1]]

-- error 55000
SELECT vigil_migration_assert();
-- expect
the schema was changed outside vigil after the last step of migration 14 (notes)

-- setup
ALTER TABLE videos DROP COLUMN author;

-- query
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
-- expect
[["14", 0]]

-- Rollback: checked before anything runs, then newest first.
-- error 55000
SELECT * FROM vigil_rollback('1');
-- expect
migration 13 (compact) has no down_sql; nothing was rolled back

-- query
SELECT vigil_migration_add('13', 'compact', 'VACUUM;', 'SELECT 1;');
-- expect
[["updated"]]

-- error 55000
SELECT * FROM vigil_rollback('4');
-- expect
cannot roll back migration 5: migration 3 (tags) requires it and stays applied; nothing was rolled back

-- query
SELECT version, status, detail FROM vigil_rollback('13');
-- expect
[["14", "rolled_back", null]]

-- query
SELECT version, status, detail FROM vigil_rollback('10');
-- expect
[["13", "rolled_back", null], ["12", "rolled_back", null], ["11", "rolled_back", null]]

-- query
SELECT version, state FROM vigil_migration_status() WHERE version IN ('10', '11', '12', '13', '14');
-- expect
[["10", "applied"], ["11", "rolled_back"], ["12", "rolled_back"], ["13", "rolled_back"], ["14", "rolled_back"]]

-- query
SELECT version, action, direction FROM vigil_migration_events WHERE action = 'rollback' ORDER BY event_id;
-- expect
[["14", "rollback", "down"], ["13", "rollback", "down"], ["12", "rollback", "down"], ["11", "rollback", "down"]]

-- query
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1) = vigil_schema_fingerprint();
-- expect
[[1]]

-- Export: the registered migrations, with their checksums, identical in both engines.
-- query
SELECT vigil_migrations_export();

-- Import: all or nothing.
-- error 42704
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [{"version": "20", "name": "a", "up_sql": "CREATE TABLE a (x INTEGER);"}, {"version": "21", "name": "b", "up_sql": "CREATE TABLE b (x INTEGER);", "options": {"requires": ["22"]}}]}');
-- expect
migration 21 requires version "22", which is not registered

-- error 22023
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [{"version": "20", "name": "a", "up_sql": "CREATE TABLE a (x INTEGER);", "checksum": "0"}]}');
-- expect
the checksum of migration 20 in the import does not match its up_sql; nothing was imported

-- error 22023
SELECT vigil_migrations_import('{"format": "other"}');
-- expect
the import is not a vigil migrations export: "format" must be "vigil-migrations"

-- query
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [{"version": "21", "name": "b", "up_sql": "CREATE TABLE b (x INTEGER);", "options": {"requires": ["22"]}}, {"version": "22", "name": "c", "up_sql": "CREATE TABLE c (x INTEGER);"}]}');
-- expect
[[2]]

-- query
SELECT version, status FROM vigil_migrate();
-- expect
[["11", "applied"], ["12", "applied"], ["13", "manual"]]

-- query
SELECT vigil_migration_mark_applied('13');
-- expect
[[1]]

-- query
SELECT version, status FROM vigil_migrate();
-- expect
[["14", "applied"], ["22", "applied"], ["21", "applied"]]

-- Baseline: everything registered at or below a version, recorded without running.
-- query
SELECT vigil_migration_add('40', 'adopted', 'CREATE TABLE adopted (x INTEGER);');
-- expect
[["added"]]

-- setup
CREATE TABLE adopted (x INTEGER);

-- query
SELECT vigil_migration_baseline('40');
-- expect
[[1]]

-- query
SELECT version, state, drift FROM vigil_migration_status() WHERE version = '40';
-- expect
[["40", "applied", 0]]

-- error 22023
SELECT vigil_migration_baseline('0');
-- expect
no registered migration has a version at or below "0"

-- query
SELECT action, count(*) FROM vigil_migration_events GROUP BY action ORDER BY action;
-- expect
[["apply", 15], ["baseline", 1], ["fail", 1], ["mark", 2], ["rollback", 4]]
