-- tests/sqlite/checksum.sql: checksums, segments and verified backups in the sqlite3 shell
.load build/vigil
.system rm -f checksum-copy.db checksum-flip.db checksum-cut.db checksum-bare.db checksum-sneaky.db
.headers on
.mode table
-- The spec's table vector (docs/checksum-spec.md §7.3): the same digest as in PostgreSQL.
CREATE TABLE vec (i INTEGER, s TEXT, r REAL);
SELECT vigil_table_checksum('vec') AS empty;
INSERT INTO vec VALUES (1, 'a', 0.5), (2, NULL, NULL);
SELECT vigil_table_checksum('vec') AS two_rows;
INSERT INTO vec VALUES (1, 'a', 0.5);
SELECT vigil_table_checksum('vec') AS with_a_duplicate;
DELETE FROM vec WHERE rowid = 3;
-- one canonical number, timestamp and JSON whatever the spelling
CREATE TABLE a (n NUMERIC, flag BOOLEAN, at TIMESTAMP, doc JSON);
CREATE TABLE b (n REAL, flag BOOL, at DATETIME, doc JSONB);
INSERT INTO a VALUES (1.50, 1, '2024-01-05 10:00:00.500', '{"b": 1, "a": [1.0, 2e2]}');
INSERT INTO b VALUES (1.5, 'TRUE', '2024-01-05T11:00:00.5+01:00', '{"a":[1,200],"b":1}');
SELECT vigil_table_checksum('a') = vigil_table_checksum('b') AS same_content;
-- a trailing space is a difference
CREATE TABLE t1 (s TEXT);
CREATE TABLE t2 (s VARCHAR(10));
INSERT INTO t1 VALUES ('ab');
INSERT INTO t2 VALUES ('ab ');
SELECT vigil_table_checksum('t1') = vigil_table_checksum('t2') AS trailing_space_same;
-- columns
CREATE TABLE people (id INTEGER PRIMARY KEY, "Name" TEXT, "odd, one" TEXT, score REAL);
INSERT INTO people VALUES (1, 'Ann', 'x', 1.5), (2, 'Bob', NULL, NULL);
SELECT vigil_table_checksum('people', 'id, name') = vigil_table_checksum('people', 'ID,"Name"') AS same_columns,
       vigil_table_checksum('people', '"odd, one"') IS NOT NULL AS quoted_comma;
SELECT * FROM vigil_checksums();
-- segments
CREATE TABLE seg (id INTEGER PRIMARY KEY, v TEXT);
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 10)
INSERT INTO seg SELECT n, 'v' || n FROM g;
CREATE TABLE seg2 AS SELECT * FROM seg;
SELECT * FROM vigil_checksum_segments('seg', 3);
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('seg', 100, '[4]', '[7]');
SELECT * FROM vigil_checksum_segments('seg', 4, '[11]');
-- errors
SELECT vigil_table_checksum('nope');
SELECT vigil_table_checksum('people', 'nope');
SELECT vigil_table_checksum('people', 'id, ID');
SELECT * FROM vigil_checksum_segments('seg2', 2);
SELECT * FROM vigil_checksum_segments('seg', 0);
SELECT * FROM vigil_checksum_segments('seg', 2, '5');
SELECT vigil_table_checksum('x"; DROP TABLE seg;--');
SELECT count(*) AS seg_survives FROM seg;
-- backups: a verified copy, refused twice, and verification of damaged copies
SELECT path LIKE '%/checksum-copy.db' AS absolute_path, bytes > 0 AS has_bytes,
       duration_ms >= 0 AS timed, verified, checksum, reason
FROM vigil_backup('checksum-copy.db');
SELECT * FROM vigil_backup('checksum-copy.db');
SELECT verified, checksum, reason FROM vigil_backup_verify('checksum-copy.db');
ATTACH 'checksum-copy.db' AS copy;
SELECT table_name, row_count FROM copy.vigil_backups ORDER BY table_name;
DETACH copy;
-- a flipped byte inside a stored value
INSERT INTO t1 VALUES ('MARKER-0123456789');
SELECT verified FROM vigil_backup('checksum-flip.db');
.system sh ../../tests/sqlite/flip-byte.sh checksum-flip.db MARKER-0123
SELECT verified, reason FROM vigil_backup_verify('checksum-flip.db');
-- a truncated file
SELECT verified FROM vigil_backup('checksum-cut.db');
.system truncate -s 8192 checksum-cut.db
SELECT verified, reason FROM vigil_backup_verify('checksum-cut.db');
-- no manifest
SELECT verified FROM vigil_backup('checksum-bare.db');
ATTACH 'checksum-bare.db' AS bare;
DROP TABLE bare.vigil_backups;
DETACH bare;
SELECT verified, checksum, reason FROM vigil_backup_verify('checksum-bare.db');
SELECT * FROM vigil_backup_verify('checksum-none.db');
-- neither a view nor a trigger may call them
CREATE VIEW sneaky AS SELECT * FROM vigil_backup('checksum-sneaky.db');
SELECT * FROM sneaky;
CREATE VIEW peek AS SELECT * FROM vigil_backup_verify('checksum-copy.db');
SELECT * FROM peek;
SELECT readfile('checksum-sneaky.db') IS NULL AS no_sneaky_file;
