-- tests/sqlite/migrate_adopt.sql: adopting an existing database (baseline), and moving the
-- registered migrations to another database (export / import)
.load build/vigil
.headers on
.mode list
-- A database built by hand before vigil: projects and videos exist.
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id),
                     path TEXT NOT NULL);
INSERT INTO projects VALUES (1, 'alpha');
-- Its history, registered as migrations; the third is new.
SELECT vigil_migration_add('1', 'projects', 'CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);',
  'DROP TABLE projects;') AS result;
SELECT vigil_migration_add('2', 'videos', 'CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id),
                     path TEXT NOT NULL);', 'DROP TABLE videos;') AS result;
SELECT vigil_migration_add('3', 'video fps', 'ALTER TABLE videos ADD COLUMN fps REAL;',
  'ALTER TABLE videos DROP COLUMN fps;', '{"requires": ["2"], "lock_timeout_ms": 2000, "retries": 5}') AS result;
-- baseline: nothing may be at or below a version no migration has
SELECT vigil_migration_baseline('0');
SELECT vigil_migration_baseline('');
SELECT vigil_migration_baseline(NULL);
SELECT vigil_migration_baseline('2') AS baselined;
SELECT vigil_migration_baseline('2') AS baselined_again;
SELECT version, state, applied_by IS NOT NULL AS has_user, duration_ms, drift FROM vigil_migration_status();
SELECT version, action, direction, duration_ms, fingerprint = vigil_schema_fingerprint() AS fp_current
FROM vigil_migration_events;
SELECT version, status FROM vigil_migrate();
SELECT count(*) AS projects_kept FROM projects;

-- Export, to a file.
.headers off
.output migrate_adopt.db-export.json
SELECT vigil_migrations_export();
.output stdout
.headers on
SELECT json_extract(vigil_migrations_export(), '$.format') AS format,
       json_extract(vigil_migrations_export(), '$.format_version') AS format_version,
       json_array_length(vigil_migrations_export(), '$.migrations') AS migrations,
       json_extract(vigil_migrations_export(), '$.migrations[2].options') AS options_of_3;

-- Import into a fresh database, and build it from the migrations.
.open migrate_adopt.db-copy
.load build/vigil
SELECT vigil_migrations_import(readfile('migrate_adopt.db-export.json')) AS imported;
SELECT vigil_migrations_import(readfile('migrate_adopt.db-export.json')) AS imported_again;
SELECT version, name, state, checksum_ok FROM vigil_migration_status();
SELECT version, status FROM vigil_migrate();
SELECT vigil_migration_assert() AS applied;
SELECT group_concat(name || ':' || definition, '; ') AS videos FROM vigil_schema('videos') WHERE object_type = 'column';
SELECT lock_timeout_ms, retries, requires FROM vigil_migrations WHERE version = '3';
-- An import is all or nothing: a bad entry leaves the ledger as it was.
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [
  {"version": "4", "name": "ok", "up_sql": "CREATE TABLE four (x INTEGER);"},
  {"version": "5", "name": "bad", "up_sql": "CREATE TABLE five (x INTEGER"}]}');
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [
  {"version": "4", "name": "ok", "up_sql": "CREATE TABLE four (x INTEGER);"},
  {"version": "5", "name": "five", "up_sql": "CREATE TABLE five (x INTEGER);", "options": {"requires": ["6"]}}]}');
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [
  {"version": "4", "name": "ok", "up_sql": "CREATE TABLE four (x INTEGER);", "checksum": "00000000000000000000000000000000"}]}');
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [
  {"version": "4", "name": "ok", "up_sql": "CREATE TABLE four (x INTEGER);"},
  {"version": "4", "name": "ok", "up_sql": "CREATE TABLE four (x INTEGER);"}]}');
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [
  {"version": "3", "name": "video fps", "up_sql": "ALTER TABLE videos ADD COLUMN fps INTEGER;"}]}');
SELECT vigil_migrations_import('{"format": "something else"}');
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 2, "migrations": []}');
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [{"version": "4"}]}');
SELECT vigil_migrations_import('not json');
SELECT vigil_migrations_import(NULL);
SELECT count(*) AS migrations FROM vigil_migrations;
-- requirements may point forward within one import
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": [
  {"version": "5", "name": "five", "up_sql": "CREATE TABLE five (x INTEGER);", "options": {"requires": ["6"]}},
  {"version": "6", "name": "six", "up_sql": "CREATE TABLE six (x INTEGER);"}]}') AS imported;
SELECT version, status FROM vigil_migrate();
-- An empty database exports an empty list.
.open migrate_adopt.db-empty
.load build/vigil
SELECT vigil_migrations_export() = '{"format":"vigil-migrations","format_version":1,"vigil_version":"0.2.0","migrations":[]}' AS empty_export;
SELECT count(*) AS ledger_tables FROM sqlite_schema;
