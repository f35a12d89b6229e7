-- tests/sqlite/segment_order.sql: vigil_checksum_segments orders SQLite keys by their
-- canonical form, whatever form was stored (docs/checksums.md, "Order of keys"): a
-- segment's own bounds select its rows again.
.load build/vigil
.headers on
.mode list

-- ISO 'T' timestamps: segments were formed in stored-text order but printed canonically.
CREATE TABLE t (ts TIMESTAMP PRIMARY KEY, v INTEGER);
INSERT INTO t VALUES ('2024-01-05T10:00:00',1),('2024-01-05T12:00:00',2),('2024-01-06T09:00:00',3);
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('t', 3);
SELECT row_count FROM vigil_checksum_segments('t', 1, '["2024-01-05 12:00:00"]', '["2024-01-06 09:00:00"]');
-- both spellings are one timestamp; '+02:00' is two hours ahead of UTC; '2024-01-05 11:00:00'
-- and '2024-01-05T13:00:00+02:00' are one key, which a bound cannot split
INSERT INTO t VALUES ('2024-01-05 11:00:00', 4), ('2024-01-05T12:00:00+02:00', 5), ('2024-01-05T13:00:00+02:00', 6);
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('t', 6);
SELECT count(*) AS segments, sum(s.row_count) AS rows,
       sum(r.row_count = s.row_count AND r.checksum = s.checksum) AS reselected
FROM vigil_checksum_segments('t', 6) AS s, vigil_checksum_segments('t', 1, s.lower_key, s.upper_key) AS r;

-- A BOOLEAN key holding 1 and 'true', 0 and 'false': ordered as the numbers 0 < 1.
CREATE TABLE b (flag BOOLEAN, n INTEGER, PRIMARY KEY (flag, n));
INSERT INTO b VALUES ('true', 1), (0, 2), (1, 3), ('false', 4), ('TRUE', 5);
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('b', 5);
SELECT row_count FROM vigil_checksum_segments('b', 1, '[1, 0]', NULL);

-- A REAL value in an INTEGER column (not the rowid) is a bound like any other.
CREATE TABLE i (k INT PRIMARY KEY, j INTEGER);
INSERT INTO i VALUES (1, 1), (1.5, 2), (2, 3);
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('i', 3);
SELECT row_count FROM vigil_checksum_segments('i', 1, '[1.5]', '[2]');

-- The order is the sort key's: the internal function is deterministic and innocuous.
SELECT hex(vigil_sort_key(6, '2024-01-05T10:00:00')) = hex(vigil_sort_key(6, '2024-01-05 10:00:00')) AS same_instant;
