-- sql/checksum.sql: vigil_table_checksum, vigil_checksums, vigil_checksum_segments,
-- vigil_backup / vigil_backup_verify (not available here), the read-only guard.
CREATE SCHEMA cs;
SET search_path = cs, public;

-- The spec's table vector (docs/checksum-spec.md §7.3): the same digest as in SQLite.
CREATE TABLE vec (i integer, s text, r double precision);
SELECT vigil_table_checksum('vec') AS empty;
INSERT INTO vec VALUES (1, 'a', 0.5), (2, NULL, NULL);
SELECT vigil_table_checksum('vec') AS two_rows;
INSERT INTO vec VALUES (1, 'a', 0.5);
SELECT vigil_table_checksum('vec') AS with_a_duplicate;
DELETE FROM vec WHERE ctid = (SELECT max(ctid) FROM vec WHERE i = 1);
SELECT vigil_table_checksum('vec') AS two_rows_again;

-- One canonical number: 1 = 1.0 = 1.00 = true; float4 0.1 reads as 0.1, as float8 0.1 does.
CREATE TABLE n1 (a bigint, b numeric, c double precision);
CREATE TABLE n2 (a boolean, b numeric(10,2), c real);
INSERT INTO n1 VALUES (1, 0.1, 0.1), (0, 1.5, 2.5);
INSERT INTO n2 VALUES (true, 0.10, 0.1), (false, 1.50, 2.5);
SELECT vigil_table_checksum('n1') = vigil_table_checksum('n2') AS same_numbers;
UPDATE n2 SET c = 'infinity' WHERE NOT a;
SELECT vigil_table_checksum('n1', 'a, b') = vigil_table_checksum('n2', 'a, b') AS same_ab,
       vigil_table_checksum('n1', 'c') = vigil_table_checksum('n2', 'c') AS same_c;
CREATE TABLE n3 (c double precision);
INSERT INTO n3 VALUES (0.1), (2.5);
SELECT vigil_table_checksum('n1', 'c') = vigil_table_checksum('n3') AS same_column_as_a_table;
-- special values are numbers too
CREATE TABLE specials (x numeric, y double precision);
INSERT INTO specials VALUES ('NaN', 'NaN'), ('Infinity', '-Infinity'), (-0.000, '-0');
SELECT vigil_table_checksum('specials');

-- Timestamps: timestamptz is canonical in UTC, whatever TimeZone and DateStyle say.
CREATE TABLE tz (at timestamptz, d date, ts timestamp);
INSERT INTO tz VALUES ('2024-01-05 10:00:00.250+02', '2024-01-05', '2024-01-05 08:00:00.25'),
                      ('0044-03-15 12:00:00+00 BC', '0044-03-15 BC', 'infinity');
SET TimeZone = 'UTC';
SELECT vigil_table_checksum('tz') AS utc;
SET TimeZone = 'America/New_York';
SET DateStyle = 'SQL, DMY';
SELECT at, d FROM tz ORDER BY at;
SELECT vigil_table_checksum('tz') AS new_york_sql_dmy;
SET TimeZone = 'Asia/Kathmandu';
SELECT vigil_table_checksum('tz') AS kathmandu;
RESET TimeZone;
RESET DateStyle;
-- a timestamptz and a timestamp that name the same UTC instant are the same value
SELECT vigil_table_checksum('tz', 'at') = vigil_table_checksum('tz', 'ts') AS differ_only_in_row_2;
DELETE FROM tz WHERE d < '0001-01-01';
SELECT vigil_table_checksum('tz', 'at') = vigil_table_checksum('tz', 'ts') AS same_instant;

-- JSON: json and jsonb, keys in any order, numbers in any spelling, give one canonical form.
CREATE TABLE j1 (doc json);
CREATE TABLE j2 (doc jsonb);
INSERT INTO j1 VALUES ('{"b": [1.0, 2e2], "a": {"y": null, "x": "é"}}');
INSERT INTO j2 VALUES ('{"a": {"x": "\u00e9", "y": null}, "b": [1, 200]}');
SELECT vigil_table_checksum('j1') = vigil_table_checksum('j2') AS same_json;

-- text is bytes: one trailing space makes a difference; char(n) pads
CREATE TABLE t1 (s text);
CREATE TABLE t2 (s varchar(10));
CREATE TABLE t3 (s char(5));
INSERT INTO t1 VALUES ('ab');
INSERT INTO t2 VALUES ('ab');
INSERT INTO t3 VALUES ('ab');
SELECT vigil_table_checksum('t1') = vigil_table_checksum('t2') AS varchar_is_text,
       vigil_table_checksum('t1') = vigil_table_checksum('t3') AS char_pads;
UPDATE t2 SET s = 'ab ';
SELECT vigil_table_checksum('t1') = vigil_table_checksum('t2') AS trailing_space_differs;

-- the column list
CREATE TABLE people (id integer PRIMARY KEY, "Name" text, "odd, one" text, score real);
INSERT INTO people VALUES (1, 'Ann', 'x', 1.5), (2, 'Bob', NULL, NULL);
SELECT vigil_table_checksum('people', 'id, Name') = vigil_table_checksum('people', 'ID,"Name"')
       AS case_insensitive_unless_quoted;
SELECT vigil_table_checksum('people', '"odd, one"') IS NOT NULL AS quoted_comma;
SELECT vigil_table_checksum('people', NULL) = vigil_table_checksum('people') AS null_means_all;

-- vigil_checksums(): every user table with its row count
SELECT table_name, row_count, checksum FROM vigil_checksums()
WHERE table_name LIKE 'cs.%' ORDER BY table_name;

-- segments: half-open key ranges, split by rank
CREATE TABLE seg (id integer PRIMARY KEY, v text);
INSERT INTO seg SELECT g, 'v' || g FROM generate_series(1, 10) g;
SELECT * FROM vigil_checksum_segments('seg', 3);
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('seg', 100, '[4]', '[7]');
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('seg', 2, '[9]');
SELECT * FROM vigil_checksum_segments('seg', 4, '[11]');
-- a segment's bounds select its rows again
SELECT (SELECT checksum FROM vigil_checksum_segments('seg', 3) WHERE segment = 2) =
       (SELECT checksum FROM vigil_checksum_segments('seg', 1, '[5]', '[8]')) AS same_range;
-- the other side checks a split's ranges in one query (docs/checksums.md)
WITH r(n, lo, hi) AS (VALUES (1, NULL, '[5]'), (2, '[5]', '[8]'), (3, '[8]', NULL))
SELECT r.n, s.lower_key, s.upper_key, s.row_count, s.checksum = c.checksum AS same_as_split
FROM r, vigil_checksum_segments('seg', 1, r.lo, r.hi) AS s, vigil_checksum_segments('seg', 3) AS c
WHERE c.segment = r.n ORDER BY r.n;
-- the trailing-space difference shows in exactly one segment
CREATE TABLE seg2 (LIKE seg INCLUDING ALL);
INSERT INTO seg2 SELECT * FROM seg;
UPDATE seg2 SET v = v || ' ' WHERE id = 6;
SELECT a.segment, a.lower_key, a.upper_key, a.checksum = b.checksum AS same
FROM vigil_checksum_segments('seg', 3) a JOIN vigil_checksum_segments('seg2', 3) b USING (segment)
ORDER BY a.segment;
SELECT a.lower_key, a.checksum = b.checksum AS same
FROM vigil_checksum_segments('seg', 3, '[5]', '[8]') a
JOIN vigil_checksum_segments('seg2', 3, '[5]', '[8]') b USING (segment) ORDER BY a.segment;
-- text keys in byte order (as SQLite's BINARY), whatever the database's collation
CREATE TABLE tk (k varchar(20) COLLATE "en-x-icu", n int, PRIMARY KEY (k, n));
INSERT INTO tk VALUES ('b', 1), ('B', 2), ('a', 3), ('é', 4), ('A', 5);
SELECT segment, lower_key, upper_key FROM vigil_checksum_segments('tk', 5);
SELECT row_count FROM vigil_checksum_segments('tk', 1, '["B", 0]', '["a", 9]');
-- timestamptz and uuid keys: bounds are canonical text (UTC), whatever the TimeZone
CREATE TABLE tkey (at timestamptz PRIMARY KEY, u uuid);
INSERT INTO tkey SELECT '2024-01-01 00:00:00+00'::timestamptz + g * interval '90 minutes',
                        md5(g::text)::uuid FROM generate_series(0, 5) g;
SET TimeZone = 'Pacific/Auckland';
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('tkey', 3);
SELECT row_count FROM vigil_checksum_segments('tkey', 1, '["2024-01-01 03:00:00"]',
                                              '["2024-01-01 06:00:00"]');
RESET TimeZone;
CREATE TABLE ukey (u uuid PRIMARY KEY);
INSERT INTO ukey SELECT md5(g::text)::uuid FROM generate_series(1, 4) g;
SELECT segment, lower_key, upper_key FROM vigil_checksum_segments('ukey', 2);
SELECT row_count FROM vigil_checksum_segments('ukey', 1, '["a87ff679-a2f3-e71d-9181-a67b7542122c"]');

-- errors, with their SQLSTATEs
SELECT show_error($$SELECT vigil_table_checksum('nope')$$);
SELECT show_error($$SELECT vigil_table_checksum(NULL)$$);
CREATE VIEW v AS SELECT 1 AS x;
SELECT show_error($$SELECT vigil_table_checksum('v')$$);
SELECT show_error($$SELECT vigil_table_checksum('people', 'nope')$$);
SELECT show_error($$SELECT vigil_table_checksum('people', 'id, ID')$$);
SELECT show_error($$SELECT vigil_table_checksum('people', '')$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('seg', 0)$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('seg', NULL)$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('v', 2)$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('t1', 2)$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('seg', 2, '5')$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('seg', 2, '[1.5]')$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('seg', 2, NULL, '[1, 2]')$$);
SELECT show_error($$SELECT * FROM vigil_checksum_segments('ukey', 2, '["not a uuid"]')$$);
SELECT show_error($$SELECT vigil_table_checksum('x"; DROP TABLE seg;--')$$);
SELECT count(*) AS seg_survives FROM seg;

-- permissions: reading a table needs SELECT on it; vigil_backup is not for PUBLIC
CREATE ROLE vigil_checker;
GRANT USAGE ON SCHEMA cs TO vigil_checker;
GRANT SELECT ON seg TO vigil_checker;
SET ROLE vigil_checker;
-- vigil_checksums() reads every table: one the role may not read stops it
SELECT show_error($$SELECT * FROM vigil_checksums()$$) LIKE '42501: permission denied for %'
       AS permission_denied;
SELECT row_count FROM vigil_checksum_segments('seg', 1);
SELECT show_error($$SELECT vigil_table_checksum('people')$$);
SELECT show_error($$SELECT * FROM vigil_backup('/tmp/x.db')$$);
RESET ROLE;
REVOKE ALL ON seg FROM vigil_checker;
REVOKE ALL ON SCHEMA cs FROM vigil_checker;
DROP ROLE vigil_checker;

-- A plain table is read by a heap scan, anything else by a query: both give the same digest
-- for the same rows (a partitioned table, an inheritance parent with its children, a dropped
-- column), and row security and column privileges are respected.
CREATE TABLE plain (id int, v text);
INSERT INTO plain SELECT g, 'v' || g FROM generate_series(1, 100) g;
CREATE TABLE parted (id int, v text) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (1) TO (51);
CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (51) TO (101);
INSERT INTO parted SELECT * FROM plain;
CREATE TABLE parent (id int, v text);
CREATE TABLE child () INHERITS (parent);
INSERT INTO parent SELECT * FROM plain WHERE id <= 30;
INSERT INTO child SELECT * FROM plain WHERE id > 30;
CREATE TABLE dropped (id int, gone text, v text);
INSERT INTO dropped SELECT id, 'x', v FROM plain;
ALTER TABLE dropped DROP COLUMN gone;
SELECT vigil_table_checksum('parted') = vigil_table_checksum('plain') AS partitioned,
       vigil_table_checksum('parent') = vigil_table_checksum('plain') AS with_children,
       vigil_table_checksum('dropped') = vigil_table_checksum('plain') AS dropped_column;
CREATE TABLE ten AS SELECT * FROM plain WHERE id <= 10;
CREATE TABLE ids AS SELECT id FROM plain;
ALTER TABLE plain ENABLE ROW LEVEL SECURITY;
CREATE POLICY first_ten ON plain FOR SELECT USING (id <= 10);
CREATE ROLE vigil_rls;
GRANT USAGE ON SCHEMA cs TO vigil_rls;
GRANT SELECT ON plain, ten, ids TO vigil_rls;
GRANT SELECT (id) ON dropped TO vigil_rls;
SELECT vigil_table_checksum('plain') <> vigil_table_checksum('ten') AS superuser_sees_all;
SET ROLE vigil_rls;
SELECT vigil_table_checksum('plain') = vigil_table_checksum('ten') AS role_sees_ten;
SELECT vigil_table_checksum('dropped', 'id') = vigil_table_checksum('ids') AS granted_column;
SELECT show_error($$SELECT vigil_table_checksum('dropped')$$);
RESET ROLE;
REVOKE ALL ON plain, ten, ids, dropped FROM vigil_rls;
REVOKE ALL ON SCHEMA cs FROM vigil_rls;
DROP ROLE vigil_rls;

-- the heap scan sees what a query sees: the transaction's own uncommitted changes included
BEGIN;
INSERT INTO seg VALUES (11, 'v11'), (12, 'v12');
DELETE FROM seg WHERE id = 1;
SELECT row_count FROM vigil_checksums() WHERE table_name = 'cs.seg';
SELECT vigil_table_checksum('seg') = (SELECT checksum FROM vigil_checksum_segments('seg', 1))
       AS scan_equals_query;
ROLLBACK;

-- backups are pg_basebackup's and pg_dump's; vigil says so
SELECT * FROM vigil_backup('/tmp/vigil-regress-backup.db');
SELECT * FROM vigil_backup_verify('/tmp/vigil-regress-backup.db');
-- a function that writes stops in a read-only transaction (every transaction of a standby)
BEGIN READ ONLY;
SELECT * FROM vigil_backup('/tmp/vigil-regress-backup.db');
ROLLBACK;
BEGIN READ ONLY;
SELECT vigil_table_checksum('seg') IS NOT NULL AS reads_work;
SELECT count(*) AS tables FROM vigil_checksums() WHERE table_name LIKE 'cs.%';
ROLLBACK;

-- cancellation reaches a long checksum: the test wait point holds the call in its loop over
-- the rows until statement_timeout cancels it (sql/cancel.sql has every point)
CREATE TABLE many AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 10000) g;
\set VERBOSITY terse
SET vigil.debug_wait_point = 'checksum_scan';
SET statement_timeout = '50ms';
SELECT vigil_table_checksum('many');
RESET statement_timeout;
RESET vigil.debug_wait_point;
\set VERBOSITY default
SELECT 1 AS still_working;

-- values stored compressed or out of line (TOAST) are read as they are, by the heap scan as by
-- the query (the digest was the same before the scan read values in place)
CREATE TABLE toasty (id int PRIMARY KEY, t text, b bytea, n numeric, j jsonb, c char(3));
INSERT INTO toasty VALUES
  (1, repeat('abc', 100000), decode(repeat('00ff', 50000), 'hex'), 1.50, '{"b": 1, "a": [2e2]}', 'a'),
  (2, (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 2000) g),
   (SELECT decode(string_agg(md5(g::text), ''), 'hex') FROM generate_series(1, 2000) g),
   'NaN', 'null', NULL),
  (3, 'small', '\x01', -0.000, '[]', 'xyz');
ALTER TABLE toasty ALTER COLUMN t SET STORAGE EXTERNAL;
INSERT INTO toasty VALUES
  (4, (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 3000) g), NULL, 7, '{}', NULL);
SELECT id, pg_column_size(t) < length(t) AS t_compressed, pg_column_size(b) < length(b) AS b_compressed
FROM toasty ORDER BY id;
SELECT vigil_table_checksum('toasty'),
       vigil_table_checksum('toasty') = (SELECT checksum FROM vigil_checksum_segments('toasty', 1))
       AS scan_equals_query;

RESET search_path;
DROP SCHEMA cs CASCADE;
