-- tests/sqlite/security.sql: what a hostile schema can and cannot reach
.load build/vigil
.headers on
.mode list
CREATE TABLE videos (id INTEGER PRIMARY KEY, path TEXT);
-- read-only functions are INNOCUOUS: usable from views and triggers even with trusted_schema off
PRAGMA trusted_schema = OFF;
CREATE VIEW v AS SELECT vigil_version() AS version, (SELECT count(*) FROM vigil_schema()) AS n;
SELECT * FROM v;
