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
-- The repair keeps the oldest row of each key (the smallest id) and quarantines the others,
-- under each kind of index above, and the check is clean afterwards.  The restore refuses:
-- the index SQLite now enforces would break (the error names it), and nothing is put back.
SELECT action, table_name, rows_affected, detail FROM vigil_repair(0)
WHERE table_name = 'accounts' ORDER BY detail;
SELECT row_key, reason FROM vigil_quarantine ORDER BY id;
SELECT count(*) AS findings_left FROM vigil_check('accounts');
SELECT vigil_restore(1) AS restored;
SELECT count(*) AS accounts FROM accounts;
-- a composite primary key (WITHOUT ROWID: its values cannot be NULL): the oldest row is the
-- smallest (a, b), here (1, 3); (1, 9) and (2, 1) go to the quarantine
CREATE TABLE pairs (a INTEGER, b INTEGER, tag TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
INSERT INTO pairs VALUES (2, 1, 'x'), (1, 9, 'x'), (1, 2, 'y'), (1, 3, 'x');
CREATE INDEX pairs_tag ON pairs (tag);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CREATE INDEX', 'CREATE UNIQUE INDEX')
WHERE name = 'pairs_tag';
PRAGMA writable_schema = RESET;
SELECT action, rows_affected FROM vigil_repair(0) WHERE table_name = 'pairs';
SELECT * FROM pairs ORDER BY a, b;
SELECT row_key FROM vigil_quarantine WHERE table_name = 'pairs' ORDER BY id;
-- in a rowid table SQLite lets primary key values be NULL: the oldest is the smallest rowid
CREATE TABLE pairs2 (a INTEGER, b INTEGER, tag TEXT, PRIMARY KEY (a, b));
INSERT INTO pairs2 VALUES (2, 1, 'x'), (1, 9, 'x'), (1, 3, 'x');
CREATE INDEX pairs2_tag ON pairs2 (tag);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CREATE INDEX', 'CREATE UNIQUE INDEX')
WHERE name = 'pairs2_tag';
PRAGMA writable_schema = RESET;
SELECT action, rows_affected FROM vigil_repair(0) WHERE table_name = 'pairs2';
SELECT * FROM pairs2;
