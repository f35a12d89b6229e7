-- tests/sqlite/integrity_unique.sql: unique_duplicate under partial indexes, expression keys
-- and COLLATE clauses of an index (kept only in the CREATE INDEX text, which vigil parses).
-- The duplicates are planted the way a schema edit leaves them: a plain index made UNIQUE
-- through writable_schema, so SQLite never checked its rows.
.load build/vigil
.headers on
.mode list
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT, active INTEGER, code TEXT,
                       region TEXT, tag TEXT);
INSERT INTO accounts VALUES
  (1, 'Ann@x', 1, 'a', 'eu', 't1'),
  (2, 'ann@X', 1, 'b', 'eu', 't2'),
  (3, 'ANN@x', 0, 'c', 'us', 't1'),   -- inactive: outside the partial index
  (4, 'bob@x', 1, 'd', NULL, 't1'),
  (5, 'carl@x', 0, 'D', NULL, 't1'),  -- NULL keys are distinct in SQLite
  (6, NULL, 1, 'x', 'us', 't1'),
  (7, NULL, 1, 'y', 'us', 't1');      -- (us, t1) three times: ids 3, 6, 7
CREATE INDEX accounts_email ON accounts (lower(email) DESC) WHERE active = 1;
CREATE INDEX accounts_code ON accounts (code COLLATE NOCASE);
CREATE INDEX "accounts ""region""" ON accounts (region, tag ASC);
-- not unique after the edit: must not be reported
CREATE INDEX accounts_tag ON accounts (tag);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CREATE INDEX', 'CREATE UNIQUE INDEX')
WHERE type = 'index' AND name <> 'accounts_tag';
PRAGMA writable_schema = RESET;

SELECT check_name, detail, violations, sample_keys FROM vigil_check('accounts')
ORDER BY detail;
SELECT * FROM vigil_check_rows('unique_duplicate', 'accounts') ORDER BY detail, row_key;
-- a partial index with no duplicate inside its WHERE: nothing (ids 3 and 1 differ in active)
CREATE TABLE flags (id INTEGER PRIMARY KEY, name TEXT, live INTEGER);
INSERT INTO flags VALUES (1, 'a', 1), (2, 'a', 0), (3, 'a', NULL);
CREATE INDEX flags_live ON flags (name) WHERE live = 1;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CREATE INDEX', 'CREATE UNIQUE INDEX')
WHERE name = 'flags_live';
PRAGMA writable_schema = RESET;
SELECT count(*) AS findings FROM vigil_check('flags');
