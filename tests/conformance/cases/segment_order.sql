-- vigil_checksum_segments orders keys by their canonical form in both engines, whatever
-- form SQLite stored (docs/checksums.md, "Order of keys"): property test over every key type
-- class with mixed storage forms.  For pseudo-random data (a linear congruential generator in
-- SQL, the same in both engines), each table's segments are identical in both engines, each
-- segment's own bounds passed back select exactly its rows (the same count and checksum),
-- and the counts add up to the table.  A JSON key is refused alike.

-- The case of the report: ISO 'T' timestamps, bounds printed with a space.
-- setup
CREATE TABLE t (ts TIMESTAMP PRIMARY KEY, v INTEGER);
INSERT INTO t VALUES ('2024-01-05T10:00:00', 1), ('2024-01-05T12:00:00', 2), ('2024-01-06T09:00:00', 3);

-- query
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('t', 3);
-- expect
[[1, null, "[\"2024-01-05 12:00:00\"]", 1], [2, "[\"2024-01-05 12:00:00\"]", "[\"2024-01-06 09:00:00\"]", 1], [3, "[\"2024-01-06 09:00:00\"]", null, 1]]

-- query
SELECT row_count FROM vigil_checksum_segments('t', 1, '["2024-01-05 12:00:00"]', '["2024-01-06 09:00:00"]');
-- expect
[[1]]

-- a bound in the stored 'T' form means the same instant
-- query
SELECT row_count FROM vigil_checksum_segments('t', 1, '["2024-01-05T12:00:00"]', NULL);
-- expect
[[2]]

-- setup sqlite
CREATE TABLE k_ts (ts TIMESTAMP PRIMARY KEY, v INTEGER);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(11 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_ts SELECT CASE r % 4
    WHEN 0 THEN strftime('%Y-%m-%dT%H:%M:%S', '2024-01-01', (n * 5000 + r % 5000) || ' seconds')
    WHEN 1 THEN strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', (n * 5000 + r % 5000) || ' seconds')
    WHEN 2 THEN strftime('%Y-%m-%dT%H:%M:%fZ', '2024-01-01', (n * 5000 + r % 5000) || ' seconds')
    ELSE strftime('%Y-%m-%dT%H:%M:%S', '2024-01-01', (n * 5000 + r % 5000 + 7200) || ' seconds') || '+02:00'
  END, n FROM g;
-- setup postgres
CREATE TABLE k_ts (ts timestamp PRIMARY KEY, v integer);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(11 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_ts SELECT timestamp '2024-01-01' + make_interval(secs => n * 5000 + r % 5000), n FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_ts', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_ts', 7) AS s, vigil_checksum_segments('k_ts', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_ts')) FROM vigil_checksum_segments('k_ts', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_tstz (at DATETIME PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(23 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_tstz SELECT CASE r % 3
    WHEN 0 THEN strftime('%Y-%m-%d %H:%M:%S', '1999-12-31', (n * 977 + r % 977) || ' seconds') || '.25'
    WHEN 1 THEN strftime('%Y-%m-%dT%H:%M:%S', '1999-12-31', (n * 977 + r % 977 - 19800) || ' seconds') || '.250-05:30'
    ELSE strftime('%Y-%m-%dT%H:%M:%S', '1999-12-31', (n * 977 + r % 977) || ' seconds') || '.25z'
  END FROM g;
-- setup postgres
CREATE TABLE k_tstz (at timestamptz PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(23 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_tstz SELECT timestamptz '1999-12-31 00:00:00+00' + make_interval(secs => n * 977 + r % 977 + 0.25) FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_tstz', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_tstz', 7) AS s, vigil_checksum_segments('k_tstz', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_tstz')) FROM vigil_checksum_segments('k_tstz', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_num (x NUMERIC PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(37 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_num SELECT printf('%.3f', (n * 1000 + r % 1000 - 150000) / 1000.0) FROM g;
INSERT INTO k_num VALUES ('NaN'), ('-Infinity'), ('Infinity');
-- setup postgres
CREATE TABLE k_num (x numeric PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(37 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_num SELECT to_char((n * 1000 + r % 1000 - 150000) / 1000.0, 'FM999999990.000')::numeric FROM g;
INSERT INTO k_num VALUES ('NaN'), ('-Infinity'), ('Infinity');

-- query
SELECT * FROM vigil_checksum_segments('k_num', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_num', 7) AS s, vigil_checksum_segments('k_num', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 203, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_num')) FROM vigil_checksum_segments('k_num', 1);
-- expect
[[203, 1]]

-- setup sqlite
CREATE TABLE k_int_real (i INTEGER, f REAL, PRIMARY KEY (i, f));
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(41 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_int_real SELECT CASE WHEN r % 2 = 0 THEN r % 7 - 3 ELSE CAST(r % 7 - 3 AS TEXT) END,
    CASE WHEN r % 3 = 0 THEN n ELSE n + (r % 5 + 1) / 7.0 END FROM g;
-- setup postgres
CREATE TABLE k_int_real (i bigint, f double precision, PRIMARY KEY (i, f));
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(41 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_int_real SELECT r % 7 - 3, CASE WHEN r % 3 = 0 THEN n::float8 ELSE n + (r % 5 + 1) / 7.0::float8 END FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_int_real', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_int_real', 7) AS s, vigil_checksum_segments('k_int_real', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_int_real')) FROM vigil_checksum_segments('k_int_real', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_bool (flag BOOLEAN, n INTEGER, PRIMARY KEY (flag, n));
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(53 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_bool SELECT CASE r % 3 WHEN 0 THEN (r / 3) % 2
    WHEN 1 THEN CASE WHEN (r / 3) % 2 = 1 THEN 'true' ELSE 'false' END
    ELSE CASE WHEN (r / 3) % 2 = 1 THEN 'TRUE' ELSE 'FALSE' END END, n FROM g;
-- setup postgres
CREATE TABLE k_bool (flag boolean, n integer, PRIMARY KEY (flag, n));
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(53 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_bool SELECT (r / 3) % 2 = 1, n FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_bool', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_bool', 7) AS s, vigil_checksum_segments('k_bool', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_bool')) FROM vigil_checksum_segments('k_bool', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_text (s TEXT PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(67 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_text SELECT CASE r % 3 WHEN 0 THEN upper(printf('%x', r)) WHEN 1 THEN printf('%x', r) ELSE ' ' || printf('%x', r) END || '-' || n FROM g;
-- setup postgres
CREATE TABLE k_text (s text PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(67 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_text SELECT CASE r % 3 WHEN 0 THEN upper(to_hex(r)) WHEN 1 THEN to_hex(r) ELSE ' ' || to_hex(r) END || '-' || n FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_text', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_text', 7) AS s, vigil_checksum_segments('k_text', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_text')) FROM vigil_checksum_segments('k_text', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_blob (b BLOB PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(71 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_blob SELECT CAST(printf('%x', r) || '/' || n AS BLOB) FROM g;
-- setup postgres
CREATE TABLE k_blob (b bytea PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(71 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_blob SELECT convert_to(to_hex(r) || '/' || n, 'UTF8') FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_blob', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_blob', 7) AS s, vigil_checksum_segments('k_blob', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_blob')) FROM vigil_checksum_segments('k_blob', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_date (d DATE PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(83 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_date SELECT date('2000-01-01', (n * 40 + r % 40) || ' days') FROM g;
INSERT INTO k_date VALUES ('0044-03-15 BC'), ('0001-01-01 BC'), ('12345-06-07'), ('0001-01-01');
-- setup postgres
CREATE TABLE k_date (d date PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(83 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_date SELECT date '2000-01-01' + (n * 40 + r % 40)::integer FROM g;
INSERT INTO k_date VALUES ('0044-03-15 BC'), ('0001-01-01 BC'), ('12345-06-07'), ('0001-01-01');

-- query
SELECT * FROM vigil_checksum_segments('k_date', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_date', 7) AS s, vigil_checksum_segments('k_date', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 204, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_date')) FROM vigil_checksum_segments('k_date', 1);
-- expect
[[204, 1]]

-- setup sqlite
CREATE TABLE k_uuid (u UUID PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(97 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_uuid SELECT printf('%08x-0000-4000-8000-%012x', r, n) FROM g;
-- setup postgres
CREATE TABLE k_uuid (u uuid PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(97 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_uuid SELECT (lpad(to_hex(r), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_uuid', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_uuid', 7) AS s, vigil_checksum_segments('k_uuid', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_uuid')) FROM vigil_checksum_segments('k_uuid', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_other (span INTERVAL PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(101 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_other SELECT CASE WHEN r % 2 = 0 THEN '' ELSE (r % 9 + 2) || ' days ' END
    || printf('%02d:%02d:00', n / 60, n % 60) FROM g;
-- setup postgres
CREATE TABLE k_other (span interval PRIMARY KEY);
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(101 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_other SELECT (CASE WHEN r % 2 = 0 THEN '' ELSE (r % 9 + 2) || ' days ' END
    || lpad((n / 60)::text, 2, '0') || ':' || lpad((n % 60)::text, 2, '0') || ':00')::interval FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_other', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_other', 7) AS s, vigil_checksum_segments('k_other', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_other')) FROM vigil_checksum_segments('k_other', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_mix (day DATE, at TIMESTAMP, code TEXT, PRIMARY KEY (day, at, code));
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(113 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_mix SELECT date('2020-02-28', (r % 3) || ' days'),
    CASE WHEN n % 2 = 0 THEN strftime('%Y-%m-%dT%H:%M', '2020-01-01', (r % 50) || ' hours')
         ELSE strftime('%Y-%m-%d %H:%M:%S', '2020-01-01', (r % 50) || ' hours') END,
    'c' || n FROM g;
-- setup postgres
CREATE TABLE k_mix (day date, at timestamp, code text, PRIMARY KEY (day, at, code));
WITH RECURSIVE g(n, r) AS (SELECT 1, CAST(113 AS bigint) UNION ALL SELECT n + 1, (r * 1103515245 + 12345) % 2147483648 FROM g WHERE n < 200)
INSERT INTO k_mix SELECT date '2020-02-28' + (r % 3)::int, timestamp '2020-01-01' + make_interval(hours => (r % 50)::int), 'c' || n FROM g;

-- query
SELECT * FROM vigil_checksum_segments('k_mix', 7);

-- query
SELECT count(*), sum(s.row_count), sum(CASE WHEN r.row_count = s.row_count AND r.checksum = s.checksum THEN 1 ELSE 0 END)
FROM vigil_checksum_segments('k_mix', 7) AS s, vigil_checksum_segments('k_mix', 1, s.lower_key, s.upper_key) AS r;
-- expect
[[7, 200, 7]]

-- query
SELECT row_count, checksum = (SELECT vigil_table_checksum('k_mix')) FROM vigil_checksum_segments('k_mix', 1);
-- expect
[[200, 1]]

-- setup sqlite
CREATE TABLE k_json (doc JSON PRIMARY KEY);
INSERT INTO k_json VALUES ('{"a": 1}');
-- setup postgres
CREATE TABLE k_json (doc jsonb PRIMARY KEY);
INSERT INTO k_json VALUES ('{"a": 1}');

-- error 0A000
SELECT * FROM vigil_checksum_segments('k_json', 2);
-- expect
the primary key column "doc" of table "k_json" is JSON: vigil_checksum_segments cannot order it alike in both engines
