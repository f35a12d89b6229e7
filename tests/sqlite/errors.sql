-- tests/sqlite/errors.sql: bad arguments give clear errors and change nothing
.load build/vigil
.headers on
.mode list
CREATE TABLE videos (id INTEGER PRIMARY KEY, path TEXT);
INSERT INTO videos VALUES (1, 'a'), (2, 'b');
CREATE VIEW video_paths AS SELECT path FROM videos;
SELECT * FROM vigil_schema('nope');
SELECT vigil_schema_fingerprint('nope');
SELECT * FROM vigil_table_stats('nope');
SELECT * FROM vigil_schema('');
SELECT * FROM vigil_schema('video_paths');
SELECT * FROM vigil_schema('x"; DROP TABLE videos;--');
SELECT count(*) FROM videos;
-- wrong types are refused with the argument's name
SELECT * FROM vigil_table_stats(42);
SELECT vigil_schema_fingerprint(x'00');
-- wrong argument counts
SELECT vigil_version(1);
SELECT * FROM vigil_schema('a', 'b');
-- NULL means "every table"
SELECT count(*) > 0 AS all_tables FROM vigil_schema(NULL);
-- the connection still works
SELECT 1 AS still_working;
-- the table-valued functions are eponymous only: they cannot be created as tables
CREATE VIRTUAL TABLE s USING vigil_schema;
