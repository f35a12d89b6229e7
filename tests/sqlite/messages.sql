-- tests/sqlite/messages.sql: what vigil tells a SQLite user is true and its SQL works as written.
.load build/vigil
.headers on
.mode list
.nullvalue NULL
-- A NULL in a primary key that is not an INTEGER PRIMARY KEY: SQLite accepts it (a historical
-- bug); the finding says so, not "declared NOT NULL".
CREATE TABLE codes (code TEXT PRIMARY KEY, n INTEGER);
INSERT INTO codes VALUES (NULL, 1), ('a', 2);
SELECT check_name, detail, violations, sample_keys FROM vigil_check('codes');
-- a key column declared NOT NULL as well, its NULL planted by a schema edit: "declared NOT NULL"
CREATE TABLE strict_codes (code TEXT PRIMARY KEY, n INTEGER);
INSERT INTO strict_codes VALUES (NULL, 1);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'code TEXT PRIMARY KEY', 'code TEXT NOT NULL PRIMARY KEY')
WHERE name = 'strict_codes';
PRAGMA writable_schema = RESET;
SELECT check_name, detail FROM vigil_check('strict_codes');
-- vigil_monitor_start's error says to call vigil_snapshot(): both forms work in SQLite.
SELECT vigil_monitor_start(60);
SELECT json_array_length(vigil_snapshot()) > 0 AS scalar_snapshot;
SELECT json_extract(vigil_snapshot(), '$[0].metric') AS first_metric;
SELECT count(*) > 0 AS table_snapshot FROM vigil_snapshot();
SELECT count(DISTINCT recorded_at) >= 1 AS history FROM vigil_health_history;
