-- tests/sqlite/migrate.sql: migration tracking in SQLite (docs/migrations.md)
.load build/vigil
.headers on
.mode list
PRAGMA foreign_keys = ON;

-- Nothing registered yet: the status is empty and no ledger table exists.
SELECT count(*) AS migrations FROM vigil_migration_status();
SELECT count(*) AS ledger_tables FROM sqlite_schema WHERE name LIKE 'vigil_migration%';

------------------------------------------------------------------------------------------------
-- Registration
------------------------------------------------------------------------------------------------
SELECT vigil_migration_add('1', 'projects',
  'CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);',
  'DROP TABLE projects;') AS result;
-- the same again, even with other line endings and trailing blanks: unchanged
SELECT vigil_migration_add('1', 'projects',
  'CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);   ' || char(13, 10),
  'DROP TABLE projects;' || char(13, 10, 13, 10)) AS result;
-- a requirement must be registered first
SELECT vigil_migration_add('10', 'detections',
  'CREATE TABLE detections (id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id),
     confidence REAL CHECK (confidence BETWEEN 0 AND 1));',
  'DROP TABLE detections;', '{"requires": ["2"]}');
SELECT vigil_migration_add('2', 'videos',
  'CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id),
     path TEXT NOT NULL UNIQUE);
   CREATE INDEX videos_project ON videos (project_id);',
  'DROP TABLE videos;') AS result;
SELECT vigil_migration_add('10', 'detections',
  'CREATE TABLE detections (id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id),
     confidence REAL CHECK (confidence BETWEEN 0 AND 1));',
  'DROP TABLE detections;', '{"requires": ["2"]}') AS result;
-- 1.9 < 1.10 < 2 < 10: numeric where the versions are numbers
SELECT vigil_migration_add('1.10', 'project code', 'ALTER TABLE projects ADD COLUMN code TEXT;',
  'ALTER TABLE projects DROP COLUMN code;') AS result;
SELECT vigil_migration_add('1.9', 'seed', 'INSERT INTO projects (id, name) VALUES (1, ''alpha''), (2, ''beta'');',
  'DELETE FROM projects WHERE id IN (1, 2);') AS result;
-- a migration not yet applied may change: updated
SELECT vigil_migration_add('1.9', 'seed projects', 'INSERT INTO projects (id, name) VALUES (1, ''alpha''), (2, ''beta'');',
  'DELETE FROM projects WHERE id IN (1, 2);') AS result;
SELECT version, name, state FROM vigil_migration_status();

-- Bad input: a clear error, nothing registered.
SELECT vigil_migration_add(NULL, 'x', 'SELECT 1');
SELECT vigil_migration_add('', 'x', 'SELECT 1');
SELECT vigil_migration_add('3 a', 'x', 'SELECT 1');
SELECT vigil_migration_add('3', '', 'SELECT 1');
SELECT vigil_migration_add('3', 'x', NULL);
SELECT vigil_migration_add('3', 'x', '  -- nothing but a comment');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', '');
SELECT vigil_migration_add('3', 'x', 'INSERT INTO t VALUES (''abc);');
SELECT vigil_migration_add('3', 'x', 'CREATE TABLE t (id INTEGER');
SELECT vigil_migration_add('3', 'x', 'CREATE TABLE t (id INTEGER,)');
SELECT vigil_migration_add('3', 'x', 'CREAT TABLE t (id INTEGER)');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', 'DROP TABLE t; DROP TABEL u');
SELECT vigil_migration_add('3', 'x', 'BEGIN; CREATE TABLE t (id INTEGER); COMMIT;');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"retry": 3}');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"retries": "3"}');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"retries": -1}');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"transactional": 1}');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"requires": "1"}');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '[1]');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"requires": [');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"requires": ["99"]}');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"requires": ["3"]}');
SELECT vigil_migration_add('01', 'x', 'SELECT 1');
SELECT vigil_migration_add('3', 'x', 'VACUUM', NULL, '{"transactional": true}');
SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, 42);
-- a cycle, through a changed requirement of a registered migration
SELECT vigil_migration_add('2', 'videos',
  'CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id),
     path TEXT NOT NULL UNIQUE);
   CREATE INDEX videos_project ON videos (project_id);',
  'DROP TABLE videos;', '{"requires": ["10"]}');
SELECT count(*) AS migrations, sum(version = '3') AS has_3, sum(requires <> '[]') AS with_requires
FROM vigil_migrations;
SELECT count(*) AS events FROM vigil_migration_events;

------------------------------------------------------------------------------------------------
-- Applying: in order, each atomically, with a history
------------------------------------------------------------------------------------------------
-- up to a target, one step at a time
SELECT version, name, status, duration_ms >= 0 AS timed, detail FROM vigil_migrate('1.10', 1);
SELECT version, name, status FROM vigil_migrate('1.10');
SELECT count(*) AS rows FROM vigil_migrate('1.10');
SELECT version, name, status FROM vigil_migrate();
SELECT version, name, state, checksum_ok, applied_at IS NOT NULL AS has_time, applied_by IS NOT NULL AS has_user,
       duration_ms >= 0 AS timed, error, length(fingerprint) AS fp_len, drift, manual_sql
FROM vigil_migration_status();
SELECT event_id, version, action, direction, attempts, error FROM vigil_migration_events;
-- the fingerprint after the last step is the schema's fingerprint
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS last_fingerprint_is_current;
-- vigil's own tables are not part of the schema
SELECT group_concat(name, ',') AS tables FROM (SELECT name FROM vigil_schema() WHERE object_type = 'table');
-- nothing pending: no rows, nothing recorded
SELECT count(*) AS rows FROM vigil_migrate();
SELECT count(*) AS events FROM vigil_migration_events;
-- foreign-key enforcement of the connection is as it was before the calls
PRAGMA foreign_keys;

-- Requirements come first: 3 requires 30, which is pulled forward to run just before it,
-- although 10 (applied already) sorts between them.
SELECT vigil_migration_add('30', 'labels', 'CREATE TABLE labels (name TEXT PRIMARY KEY);',
  'DROP TABLE labels;') AS result;
SELECT vigil_migration_add('3', 'video labels',
  'CREATE TABLE video_labels (video_id INTEGER REFERENCES videos(id), label TEXT REFERENCES labels(name));',
  'DROP TABLE video_labels;', '{"requires": ["30"]}') AS result;
SELECT version, state FROM vigil_migration_status();
SELECT version, status FROM vigil_migrate();

-- An applied migration never changes ...
SELECT vigil_migration_add('1', 'projects', 'CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);',
  'DROP TABLE projects;');
-- ... but its name and down_sql may
SELECT vigil_migration_add('1', 'projects table',
  'CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);', 'DROP TABLE projects') AS result;

------------------------------------------------------------------------------------------------
-- A failing migration: schema and ledger as before it, the error recorded, the run stopped
------------------------------------------------------------------------------------------------
SELECT vigil_migration_add('11', 'confidence index',
  'CREATE INDEX detections_confidence ON detections (confidence);') AS result;
SELECT vigil_migration_add('12', 'bad data', 'CREATE TABLE tags (name TEXT PRIMARY KEY);
INSERT INTO tags VALUES (''car'');
INSERT INTO detections (video_id, confidence) VALUES (1, 2.5);') AS result;
SELECT vigil_migration_add('13', 'after the bad one', 'CREATE TABLE later (x INTEGER);') AS result;
SELECT version, name, status, detail FROM vigil_migrate();
SELECT count(*) AS new_tables FROM sqlite_schema WHERE name IN ('tags', 'later');
SELECT vigil_schema_fingerprint() = (SELECT fingerprint FROM vigil_migration_events
                                     WHERE version = '11' AND action = 'apply') AS schema_as_after_11;
SELECT version, state, error FROM vigil_migration_status() WHERE version IN ('11', '12', '13');
SELECT version, action, direction, error,
       fingerprint = (SELECT fingerprint FROM vigil_migration_events WHERE version = '11') AS fp_unchanged
FROM vigil_migration_events WHERE version = '12';
-- fixed, it runs on the next call (a failed migration may change)
SELECT vigil_migration_add('12', 'tags', 'CREATE TABLE tags (name TEXT PRIMARY KEY);
INSERT INTO tags VALUES (''car'');') AS result;
SELECT version, state, error FROM vigil_migration_status() WHERE version = '12';
SELECT version, name, status FROM vigil_migrate();

-- SQLite's foreign-key check: foreign keys are off while migrations run (so that the
-- table-rebuild pattern works), and vigil checks the tables each migration wrote to and the
-- tables that reference them: new violations fail the migration.
INSERT INTO videos (id, project_id, path) VALUES (1, 1, '/v/1.mp4'), (2, 2, '/v/2.mp4');
SELECT vigil_migration_add('14', 'drop beta', 'DELETE FROM projects WHERE id = 2;') AS result;
SELECT version, status, detail FROM vigil_migrate();
SELECT count(*) AS projects FROM projects;
SELECT vigil_migration_add('14', 'drop beta', 'DELETE FROM videos WHERE project_id = 2;
DELETE FROM projects WHERE id = 2;') AS result;
SELECT version, status, detail FROM vigil_migrate();
-- the table-rebuild pattern (SQLite's 12-step ALTER TABLE) on a parent table
SELECT vigil_migration_add('15', 'projects rebuilt', '
CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT, created TEXT);
INSERT INTO projects_new (id, name, code) SELECT id, name, code FROM projects;
DROP TABLE projects;
ALTER TABLE projects_new RENAME TO projects;
') AS result;
-- It drops a table, which the table form cannot do (SQLite drops nothing while a statement
-- reads): the migration fails whole, with advice.
SELECT version, status, detail FROM vigil_migrate();
SELECT version, state FROM vigil_migration_status() WHERE version = '15';
-- The scalar form can; it returns the same rows as JSON (durations vary: not shown here).
.output /dev/null
SELECT vigil_migrate();
.output stdout
SELECT version, action, error IS NOT NULL AS has_error FROM vigil_migration_events WHERE version = '15';
SELECT count(*) AS videos_kept FROM videos;
SELECT count(*) AS violations FROM pragma_foreign_key_check;
SELECT sql FROM sqlite_schema WHERE name = 'projects';
PRAGMA foreign_keys;
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS last_fingerprint_is_current;

------------------------------------------------------------------------------------------------
-- Manual migrations: statements that cannot run inside a transaction
------------------------------------------------------------------------------------------------
SELECT vigil_migration_add('16', 'compact', 'VACUUM;') AS result;
SELECT vigil_migration_add('17', 'notes', 'CREATE TABLE notes (body TEXT);', 'DROP TABLE notes;') AS result;
SELECT vigil_migration_add('18', 'client side', 'CREATE TABLE client_side (x INTEGER);', NULL,
  '{"transactional": false}') AS result;
SELECT version, status, detail FROM vigil_migrate();
SELECT version, state, manual_sql FROM vigil_migration_status() WHERE version IN ('16', '17', '18');
-- the client runs the statements, then records them
VACUUM;
SELECT vigil_migration_mark_applied('16') AS marked;
SELECT vigil_migration_mark_applied('16');
SELECT vigil_migration_mark_applied('99');
SELECT version, status FROM vigil_migrate();
CREATE TABLE client_side (x INTEGER);
SELECT vigil_migration_mark_applied('18') AS marked;
SELECT version, state FROM vigil_migration_status() WHERE version IN ('16', '17', '18');
SELECT version, action FROM vigil_migration_events WHERE version IN ('16', '17', '18') ORDER BY event_id;
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS mark_records_the_fingerprint;

------------------------------------------------------------------------------------------------
-- Checksums, drift and the deploy-script assertion
------------------------------------------------------------------------------------------------
SELECT vigil_migration_assert() AS applied;
SELECT vigil_migration_assert('10') AS applied_up_to_10;
-- the ledger edited behind vigil's back: flagged, never re-run
UPDATE vigil_migrations SET up_sql = up_sql || ' DROP TABLE x;' WHERE version = '13';
SELECT version, state, checksum_ok FROM vigil_migration_status() WHERE version = '13';
SELECT vigil_migration_assert();
SELECT count(*) AS rows FROM vigil_migrate();
UPDATE vigil_migrations SET up_sql = 'CREATE TABLE later (x INTEGER);' WHERE version = '13';
SELECT version, checksum_ok FROM vigil_migration_status() WHERE version = '13';
-- out-of-band DDL shows up as drift, on the row of the latest step
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
ALTER TABLE notes ADD COLUMN author TEXT;
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
SELECT vigil_migration_assert();
ALTER TABLE notes DROP COLUMN author;
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
-- a pending migration fails the assertion; one above the target does not
SELECT vigil_migration_add('19', 'pending', 'CREATE TABLE pending_one (x INTEGER);') AS result;
SELECT vigil_migration_assert();
SELECT vigil_migration_assert('18') AS applied_up_to_18;

------------------------------------------------------------------------------------------------
-- Rollback: newest first, each atomically; checked before anything runs
------------------------------------------------------------------------------------------------
SELECT vigil_rollback('10');
SELECT count(*) AS rollbacks FROM vigil_migration_events WHERE action = 'rollback';
SELECT vigil_migration_add('11', 'confidence index',
  'CREATE INDEX detections_confidence ON detections (confidence);', 'DROP INDEX detections_confidence;') AS result;
SELECT vigil_migration_add('12', 'tags', 'CREATE TABLE tags (name TEXT PRIMARY KEY);
INSERT INTO tags VALUES (''car'');', 'DROP TABLE tags;') AS result;
SELECT vigil_migration_add('13', 'after the bad one', 'CREATE TABLE later (x INTEGER);', 'DROP TABLE later;') AS result;
SELECT vigil_migration_add('14', 'drop beta', 'DELETE FROM videos WHERE project_id = 2;
DELETE FROM projects WHERE id = 2;', 'SELECT 1;') AS result;
SELECT vigil_migration_add('15', 'projects rebuilt', '
CREATE TABLE projects_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT, created TEXT);
INSERT INTO projects_new (id, name, code) SELECT id, name, code FROM projects;
DROP TABLE projects;
ALTER TABLE projects_new RENAME TO projects;
', 'ALTER TABLE projects DROP COLUMN created;') AS result;
SELECT vigil_migration_add('16', 'compact', 'VACUUM;', 'SELECT 1;') AS result;
SELECT vigil_migration_add('18', 'client side', 'CREATE TABLE client_side (x INTEGER);', 'DROP TABLE client_side;',
  '{"transactional": false}') AS result;
-- 3 requires 30: 30 cannot go while 3 stays
SELECT vigil_rollback('25');
-- Newest first (the reverse of the order they were applied in); a failing down_sql stops the
-- rollback, and what was rolled back before it stays rolled back.
SELECT vigil_migration_add('10', 'detections',
  'CREATE TABLE detections (id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id),
     confidence REAL CHECK (confidence BETWEEN 0 AND 1));',
  'DROP TABLE no_such_table;', '{"requires": ["2"]}') AS result;
CREATE TEMP TABLE last_event AS SELECT max(event_id) AS id FROM vigil_migration_events;
.output /dev/null
SELECT vigil_rollback('2.5');
.output stdout
SELECT version, action, direction, error FROM vigil_migration_events
WHERE event_id > (SELECT id FROM last_event) ORDER BY event_id;
SELECT count(*) AS tables FROM sqlite_schema WHERE name IN ('later', 'tags', 'notes', 'client_side', 'labels');
SELECT version, state, error FROM vigil_migration_status();
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS last_fingerprint_is_current;
-- applying again after a rollback; a target takes along what it requires (30 for 3)
SELECT version, status FROM vigil_migrate('13');
.output /dev/null
SELECT vigil_migrate('18');
.output stdout
SELECT version, state FROM vigil_migration_status();

-- the manual ones again by hand
VACUUM;
SELECT vigil_migration_mark_applied('16') AS marked;
SELECT version, status FROM vigil_migrate('19');
CREATE TABLE client_side (x INTEGER);
SELECT vigil_migration_mark_applied('18') AS marked;
SELECT version, status FROM vigil_migrate('19');

------------------------------------------------------------------------------------------------
-- The caller's transaction
------------------------------------------------------------------------------------------------
SELECT vigil_migration_add('20', 'in a transaction', 'CREATE TABLE tx_table (x INTEGER);') AS result;
BEGIN;
SELECT version, status FROM vigil_migrate('20');
ROLLBACK;
SELECT version, state FROM vigil_migration_status() WHERE version = '20';
SELECT count(*) AS tx_tables FROM sqlite_schema WHERE name = 'tx_table';
-- BEGIN IMMEDIATE first: the way to wait for another migrator with the table form
BEGIN IMMEDIATE;
SELECT version, status FROM vigil_migrate('20');
COMMIT;
SELECT version, state FROM vigil_migration_status() WHERE version = '20';

------------------------------------------------------------------------------------------------
-- Functions that write cannot be reached from a trigger or a view; the history is append-only
------------------------------------------------------------------------------------------------
CREATE TABLE audit (x INTEGER);
CREATE TRIGGER audit_migrates AFTER INSERT ON audit BEGIN SELECT vigil_migration_baseline('99'); END;
INSERT INTO audit VALUES (1);
CREATE VIEW migrating AS SELECT * FROM vigil_migrate();
SELECT * FROM migrating;
DROP VIEW migrating;
DROP TRIGGER audit_migrates;
DROP TABLE audit;
UPDATE vigil_migration_events SET error = 'rewritten' WHERE event_id = 1;
DELETE FROM vigil_migration_events;
SELECT count(*) AS events, sum(error = 'rewritten') AS rewritten FROM vigil_migration_events;
-- wrong types and argument counts
SELECT * FROM vigil_migrate(1.5);
SELECT * FROM vigil_migrate('1', 'x');
SELECT * FROM vigil_migrate('1', 0);
SELECT vigil_migration_status();
