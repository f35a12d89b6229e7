-- tests/sqlite/security_rules.sql: a hostile database file (issue #16; docs/reliability.md,
-- "Trust model for stored code").  Its vigil_rules rows, written by hand, try to make the
-- victim's read of a view over vigil_check() write a file (the shell's writefile) and run a
-- migration; others paste SQL around the condition.  A database file must not be able to
-- cause writes or side effects through vigil: every such rule is an error finding of its own.
.load build/vigil
.headers on
.mode list
.nullvalue NULL
-- the attacker's file
CREATE TABLE child (id INTEGER PRIMARY KEY, val INTEGER);
CREATE TABLE other (secret TEXT);
INSERT INTO child VALUES (1, 1), (2, -2);
INSERT INTO other VALUES ('s3cret');
SELECT vigil_rule_add('positive', 'child', 'val > 0');
-- refused when added, nothing stored
SELECT vigil_rule_add('w', 'child', 'writefile(''security_rules-owned.txt'', ''owned'') IS NOT NULL');
SELECT vigil_rule_add('m', 'child', 'vigil_migrate() IS NOT NULL');
SELECT vigil_rule_add('r', 'child', 'random() > 0');
SELECT vigil_rule_add('o', 'child', 'val IN other');
SELECT vigil_rule_add('a', 'child', 'sum(val) > 0');
SELECT vigil_rule_add('big', 'child', 'val = 1' || replace(printf('%.7000c', 'x'), 'x', ' OR val = 1'));
SELECT count(*) AS stored FROM vigil_rules;
-- written by hand instead
INSERT INTO vigil_rules (name, table_name, condition, severity, repair) VALUES
  ('write', 'child', 'writefile(''security_rules-owned.txt'', ''owned'') IS NOT NULL', 'error', 'auto'),
  ('migrate', 'child', 'vigil_migration_add(''1'', ''pwn'', ''CREATE TABLE pwned (x)'') IS NOT NULL AND vigil_migrate() IS NOT NULL', 'error', 'auto'),
  ('paste', 'child', '1) FROM child; DROP TABLE other; SELECT (1', 'error', 'auto'),
  ('union', 'child', '1) FROM other UNION SELECT (1', 'error', 'auto'),
  ('in_other', 'child', 'val IN other', 'error', 'auto'),
  ('comment', 'child', 'val > 0 -- positive', 'error', 'auto'),
  ('big', 'child', 'val = 1' || replace(printf('%.7000c', 'x'), 'x', ' OR val = 1'), 'error', 'auto');
CREATE VIEW findings AS SELECT check_name, detail, violations FROM vigil_check();
-- the victim opens the file, hardened as the SQLite documentation advises, and reads the view
.open security_rules.db
.load build/vigil
PRAGMA trusted_schema = OFF;
SELECT * FROM findings ORDER BY check_name;
-- nothing was written, no migration ran, nothing was dropped
SELECT readfile('security_rules-owned.txt') IS NULL AS no_file;
SELECT count(*) AS pwned FROM sqlite_schema WHERE name = 'pwned';
SELECT count(*) AS other_rows FROM other;
-- vigil_check_rows and vigil_repair see the same error findings; the valid rule still repairs
SELECT * FROM vigil_check_rows('rule:write', 'child');
SELECT action, table_name, rows_affected, detail FROM vigil_repair(0) ORDER BY 1, 4;
SELECT readfile('security_rules-owned.txt') IS NULL AS no_file;
SELECT count(*) AS pwned FROM sqlite_schema WHERE name = 'pwned';
SELECT * FROM child ORDER BY id;
