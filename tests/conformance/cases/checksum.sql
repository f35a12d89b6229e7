-- Content checksums: the same rows, loaded into each engine through its own SQL and in its own
-- spellings (SQLite 1/0 for booleans, x'..' blobs, ISO text with a T or an offset for times,
-- JSON text; PostgreSQL boolean, bytea, timestamp, timestamptz, date, jsonb, numeric), give the
-- same digests for every type class, NULLs, unicode, blobs, 0.1, 1e300, large integers,
-- numerics and fractional timestamps.  Then two tables that differ by one trailing space: the
-- digests differ, and the segments show exactly where.

-- setup sqlite
CREATE TABLE all_types (
    id INTEGER PRIMARY KEY, i INTEGER, big INTEGER, r REAL, n NUMERIC(20, 5), flag BOOLEAN,
    label TEXT, note VARCHAR(40), data BLOB, at TIMESTAMP, atz DATETIME, day DATE, doc JSON
);
INSERT INTO all_types VALUES
  (1, 0, 9223372036854775807, 0.1, 1.5, 1, 'héllo wörld ✓ 😀', NULL, x'00ff10',
   '2024-01-05T10:00:00.123456', '2024-01-05T10:00:00+02:00', '2024-01-05',
   '{"b": [1.0, 2], "a": "x"}'),
  (2, -42, -9223372036854775807, 1e300, 12345.67891, 0, '', 'trailing ', x'',
   '1999-12-31 23:59:59.5', '2000-01-01 00:00:00-05:30', '2000-02-29', '[]'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 1, 123456789012345, -0.0, 0.99, 1, 'line1
line2', 'tab	here', x'0a0d', '2024-02-29 00:00', '2024-06-30T23:59:59.999999Z', '1970-01-01',
   '{"z":{"k":null},"é":true,"A":1e2}'),
  (5, 2147483647, 4611686018427387904, 0.30000000000000004, 0.1, 0, 'It''s "quoted"', 'ÆØÅ',
   x'ffffffff', '0001-01-01 00:00:00', '2024-01-01 00:30:00+01:00', '2024-12-31', '"just text"'),
  (6, -2147483648, -1, 1.7976931348623157e308, -0.00001, 1, '  padded  ', 'x', x'00',
   '2024-01-05 10:00:00.000001', '2024-01-05 10:00:00.25+00:00', '2099-12-31',
   '{"n": [0.10, -0, 1E-2, 12345678901234567890]}');

-- setup postgres
CREATE TABLE all_types (
    id integer PRIMARY KEY, i integer, big bigint, r double precision, n numeric(20, 5),
    flag boolean, label text, note varchar(40), data bytea, at timestamp, atz timestamptz,
    day date, doc jsonb
);
INSERT INTO all_types VALUES
  (1, 0, 9223372036854775807, 0.1, 1.5, true, 'héllo wörld ✓ 😀', NULL, '\x00ff10',
   timestamp '2024-01-05 10:00:00.123456', timestamptz '2024-01-05 08:00:00+00', date '2024-01-05',
   '{"a": "x", "b": [1, 2]}'),
  (2, -42, -9223372036854775807, 1e300, 12345.67891, false, '', 'trailing ', '\x',
   timestamp '1999-12-31 23:59:59.5', timestamptz '2000-01-01 05:30:00+00', date '2000-02-29', '[]'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 1, 123456789012345, '-0', 0.99000, true, E'line1\nline2', E'tab\there', '\x0a0d',
   timestamp '2024-02-29 00:00:00', timestamptz '2024-07-01 01:59:59.999999+02',
   date '1970-01-01', '{"A": 100, "z": {"k": null}, "é": true}'),
  (5, 2147483647, 4611686018427387904, 0.1::float8 + 0.2::float8, 0.1, false,
   'It''s "quoted"', 'ÆØÅ', '\xffffffff', timestamp '0001-01-01 00:00:00',
   timestamptz '2023-12-31 23:30:00+00', date '2024-12-31', '"just text"'),
  (6, -2147483648, -1, 1.7976931348623157e308, -0.00001, true, '  padded  ', 'x', '\x00',
   timestamp '2024-01-05 10:00:00.000001', timestamptz '2024-01-05 10:00:00.25+00',
   date '2099-12-31', '{"n": [0.1, 0, 0.01, 12345678901234567890]}');

-- query
SELECT vigil_table_checksum('all_types');
-- every column on its own, so that a difference names its type class
-- query
SELECT vigil_table_checksum('all_types', 'id, i, big') AS integers,
       vigil_table_checksum('all_types', 'r') AS reals,
       vigil_table_checksum('all_types', 'n') AS numerics,
       vigil_table_checksum('all_types', 'flag') AS booleans;
-- query
SELECT vigil_table_checksum('all_types', 'label') AS texts,
       vigil_table_checksum('all_types', 'note') AS varchars,
       vigil_table_checksum('all_types', 'data') AS blobs;
-- query
SELECT vigil_table_checksum('all_types', 'at') AS timestamps,
       vigil_table_checksum('all_types', 'atz') AS timestamptzs,
       vigil_table_checksum('all_types', 'day') AS dates,
       vigil_table_checksum('all_types', 'doc') AS json;
-- query
SELECT * FROM vigil_checksums();
-- query
SELECT * FROM vigil_checksum_segments('all_types', 4);
-- query
SELECT * FROM vigil_checksum_segments('all_types', 2, '[2]', '[5]');

-- setup
CREATE TABLE left_t (id integer PRIMARY KEY, label text, score real);
CREATE TABLE right_t (id integer PRIMARY KEY, label text, score real);
-- setup sqlite
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100)
INSERT INTO left_t SELECT n, 'label ' || n, n / 4.0 FROM g;
-- setup postgres
INSERT INTO left_t SELECT n, 'label ' || n, n / 4.0 FROM generate_series(1, 100) n;
-- setup
INSERT INTO right_t SELECT * FROM left_t;
UPDATE right_t SET label = label || ' ' WHERE id = 42;

-- the digests differ, and differ in the label only
-- query
SELECT vigil_table_checksum('left_t') = vigil_table_checksum('right_t') AS same_table,
       vigil_table_checksum('left_t', 'id, score') = vigil_table_checksum('right_t', 'id, score')
         AS same_without_label;
-- expect
[[0, 1]]
-- the segments show where: 4 segments of 25 rows, the second differs
-- query
SELECT l.segment, l.lower_key, l.upper_key, l.row_count, l.checksum = r.checksum AS same
FROM vigil_checksum_segments('left_t', 4) AS l
JOIN vigil_checksum_segments('right_t', 4) AS r ON r.segment = l.segment
ORDER BY l.segment;
-- expect
[[1, null, "[26]", 25, 1], [2, "[26]", "[51]", 25, 0], [3, "[51]", "[76]", 25, 1], [4, "[76]", null, 25, 1]]
-- ... narrowed with that segment's bounds, down to the row
-- query
SELECT l.segment, l.lower_key, l.upper_key, l.row_count
FROM vigil_checksum_segments('left_t', 5, '[26]', '[51]') AS l
JOIN vigil_checksum_segments('right_t', 5, '[26]', '[51]') AS r ON r.segment = l.segment
WHERE l.checksum <> r.checksum;
-- expect
[[4, "[41]", "[46]", 5]]
-- query
SELECT l.lower_key, l.row_count
FROM vigil_checksum_segments('left_t', 5, '[41]', '[46]') AS l
JOIN vigil_checksum_segments('right_t', 5, '[41]', '[46]') AS r ON r.segment = l.segment
WHERE l.checksum <> r.checksum;
-- expect
[["[42]", 1]]

-- errors are the same text in both engines
-- error 42P01
SELECT vigil_table_checksum('nope');
-- expect
table "nope" does not exist
-- error 42703
SELECT vigil_table_checksum('left_t', 'id, nope');
-- expect
column "nope" of table "left_t" does not exist
-- error 22023
SELECT * FROM vigil_checksum_segments('left_t', 0);
-- expect
segments must be at least 1
-- error 22023
SELECT * FROM vigil_checksum_segments('left_t', 2, '["a", 1]');
-- expect
lower_key must be a JSON array of 1 value (the primary key: id)
