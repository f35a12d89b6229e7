-- vigil_query_stats(): the same statements, spelled differently and with different literals,
-- give the same normalised texts and fingerprints on both engines, with the same calls and rows.
-- (SQLite counts per connection and also counts DDL; PostgreSQL counts per database the
-- statements that run through its executor.  Only the statements below are compared.)

-- setup
CREATE TABLE qs (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO qs (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');
SELECT name FROM qs WHERE id = 1;
select NAME from "qs" where ID = 2;
SELECT name FROM qs WHERE id = -1 /* none */;
SELECT count(*) FROM qs WHERE id IN (1, 2, 3);
SELECT count(*) FROM qs WHERE id IN (4);
SELECT count(*) FROM qs WHERE name = 'it''s' OR name = 'b';
UPDATE qs SET name = 'z' WHERE id > 2;
DELETE FROM qs WHERE id = 4;

-- query
SELECT fingerprint, query, calls, rows FROM vigil_query_stats()
WHERE query LIKE '%qs%' AND query NOT LIKE 'create%' AND query NOT LIKE '%vigil%'
ORDER BY query;
-- expect
[["b0f6134123bc69ae", "delete from qs where id = ?", 1, 1],
 ["87bc1192974d29b4", "insert into qs (id, name) values (?, ?)", 1, 4],
 ["6dc3b01751b9c0fa", "select count(*) from qs where id in (...)", 2, 2],
 ["31fb06d0265c86e0", "select count(*) from qs where name = ? or name = ?", 1, 1],
 ["b372f4e091dd77a2", "select name from qs where id = ?", 3, 2],
 ["5ce63daa9fa81046", "update qs set name = ? where id > ?", 1, 2]]

-- Every statistic is consistent on both engines.
-- query
SELECT count(*) FROM vigil_query_stats()
WHERE calls > 0 AND (min_ms > mean_ms OR mean_ms > max_ms OR stddev_ms < 0 OR total_ms < 0);
-- expect
[[0]]

-- After a reset only the reset itself (recorded when it ends) can be there.
-- setup
SELECT vigil_query_stats_reset();
-- query
SELECT count(*) FROM vigil_query_stats() WHERE query LIKE '%qs%';
-- expect
[[0]]
