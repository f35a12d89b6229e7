SELECT current_database() AS regression_db \gset
-- sql/repair.sql: vigil_repair / vigil_quarantine / vigil_restore in PostgreSQL -- each repair
-- action, the dry run changes nothing, repair then restore gives identical content
-- (vigil_checksums) with exact values of every kind, restore refused by an engine constraint
-- (nothing changed), refused repair without privileges (42501, nothing changed), pg_dump
-- membership.
CREATE DATABASE vigil_repair_test;
\c vigil_repair_test
CREATE EXTENSION vigil;
SET TimeZone = 'Asia/Kolkata';
CREATE FUNCTION show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Part 1: rules only (no engine constraint stands in the way of a restore): values of every
-- kind go to the quarantine and come back exactly.
CREATE TABLE readings (
  id int PRIMARY KEY, v float8, label text, raw bytea, n numeric(10,3), at timestamptz,
  ts timestamp, doc jsonb, js json, f4 real, tags text[], d date, u uuid, ok boolean,
  span interval, big bigint, code char(4), bits bit(3));
INSERT INTO readings VALUES
  (1, 0.1, 'car', '\x00ff', 1.500, '2024-01-02 03:04:05.25+00', '2024-01-02 03:04:05',
   '{"a": [1, 2]}', '{ "b" :  1 }', 0.1, '{x,y}', '2024-02-29', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true,
   '1 day 02:03:04', 9223372036854775807, 'ab', B'101'),
  (2, -1e300, '', '\x', 0.001, '-infinity', '0044-03-15 12:00:00 BC', 'null', '[]', -0.5, '{}', '0001-01-01 BC', NULL, false,
   '-1 mons', -9223372036854775808, 'abcd', B'000'),
  (3, 'NaN', 'héllo ✓', NULL, NULL, 'infinity', NULL, '"\u00e9"', '"x"', 'Infinity', '{NULL,""}', NULL, NULL, NULL,
   NULL, 0, NULL, NULL),
  (4, 2.5, 'truck', '\xdeadbeef', -12.345, '1999-12-31 23:59:59.999999+00', '2000-01-01', '{}', 'null', 1e-30, NULL, 'infinity',
   NULL, true, '00:00:00.000001', 42, 'x', B'111');
-- no primary key (found by ctid), an identity column GENERATED ALWAYS (put back as it was)
CREATE TABLE log (n int GENERATED ALWAYS AS IDENTITY, msg text, level int);
INSERT INTO log (msg, level) VALUES ('ok', 1), ('bad', -1), ('ok', 2), ('bad', -1);
SELECT vigil_rule_add('v_range', 'readings', 'v BETWEEN -1 AND 1');
SELECT vigil_rule_add('labels', 'readings', $$label IN ('car', 'bus', '')$$, 'error', 'quarantine');
SELECT vigil_rule_add('levels', 'log', 'level >= 0');
CREATE TEMP TABLE before_sums AS SELECT table_name, row_count, checksum FROM vigil_checksums();
SELECT check_name, table_name, violations, sample_keys FROM vigil_check() ORDER BY 1, 2;
-- the dry run: the plan, nothing changed, batch NULL
SELECT * FROM vigil_repair();
SELECT count(*) AS unchanged FROM before_sums b JOIN vigil_checksums() c USING (table_name)
WHERE b.checksum = c.checksum;
SELECT count(*) AS quarantined FROM vigil_quarantine;
-- the repair
SELECT * FROM vigil_repair(false);
SELECT check_name, table_name, violations FROM vigil_check() ORDER BY 1, 2;
SELECT id, batch, table_name, row_key, row_data, reason, action, column_name, restored_at
FROM vigil_quarantine ORDER BY id;
SELECT id, v, label FROM readings ORDER BY id;
SELECT * FROM log ORDER BY msg, level;
-- the restore: identical content
SELECT vigil_restore(1);
SELECT b.table_name, b.checksum = c.checksum AS same, c.row_count
FROM before_sums b JOIN vigil_checksums() c USING (table_name) ORDER BY 1;
SELECT * FROM readings ORDER BY id;
SELECT count(*) AS restored FROM vigil_quarantine WHERE restored_at IS NOT NULL;
SELECT show_error($$SELECT vigil_restore(1)$$);
SELECT show_error($$SELECT vigil_restore(99)$$);
SELECT show_error($$SELECT vigil_restore(NULL)$$);
DROP TABLE readings, log;

-- Part 2: engine constraints (NOT VALID), a sequence behind, an invalid unique index.
CREATE TABLE videos (id serial PRIMARY KEY, name text);
CREATE TABLE detections (id int PRIMARY KEY, video_id int, confidence float8, note text NOT NULL);
CREATE TABLE people (id int PRIMARY KEY, email text);
INSERT INTO videos (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO detections VALUES (10, 1, 0.5, 'x'), (11, 99, 0.5, 'orphan'), (12, 2, 1.5, 'high'),
  (13, 3, -0.5, 'low'), (14, 98, 2.0, 'orphan, high');
INSERT INTO people VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x'), (4, 'a@x'), (5, NULL), (6, NULL);
ALTER TABLE detections ADD CONSTRAINT det_video FOREIGN KEY (video_id) REFERENCES videos NOT VALID;
ALTER TABLE detections ADD CONSTRAINT det_confidence CHECK (confidence BETWEEN 0 AND 1) NOT VALID;
SELECT setval('videos_id_seq', 1);
CREATE UNIQUE INDEX CONCURRENTLY people_email ON people (email);
SELECT check_name, table_name, violations, sample_keys FROM vigil_check() ORDER BY 1, 2;
SELECT * FROM vigil_repair();
SELECT nextval('videos_id_seq') AS untouched_by_the_dry_run;
SELECT setval('videos_id_seq', 1);
SELECT * FROM vigil_repair(false);
-- nothing repairable is left: only the NOT VALID constraints, which vigil does not validate
SELECT check_name, table_name, violations FROM vigil_check() ORDER BY 1, 2;
SELECT nextval('videos_id_seq') AS after_the_repair;
SELECT indisvalid FROM pg_index WHERE indexrelid = 'people_email'::regclass;
SELECT * FROM detections ORDER BY id;
SELECT * FROM people ORDER BY id;
SELECT batch, table_name, row_key, reason, action, column_name FROM vigil_quarantine
WHERE batch = 2 ORDER BY id;
-- putting the duplicates back breaks the unique index, valid again (and the orphans would
-- break the foreign key, enforced for new rows): the restore fails and changes nothing
CREATE TEMP TABLE after_sums AS SELECT table_name, checksum FROM vigil_checksums();
SELECT show_error($$SELECT vigil_restore(2)$$);
SELECT count(*) AS unchanged FROM after_sums a JOIN vigil_checksums() c USING (table_name)
WHERE a.checksum = c.checksum;
SELECT count(*) AS still_quarantined FROM vigil_quarantine WHERE batch = 2 AND restored_at IS NULL;

-- a parent row that children still reference is not removed
CREATE TABLE frames (id int PRIMARY KEY, video_id int REFERENCES videos, n int);
INSERT INTO frames VALUES (1, 3, 1);
SELECT vigil_rule_add('named_videos', 'videos', $$name <> 'c'$$, 'error', 'quarantine');
SELECT * FROM vigil_repair();

-- fk_orphans => 'set_null': the orphan keeps its row, its key becomes NULL
CREATE TABLE clips (id int PRIMARY KEY, video_id int, CHECK (id > 0));
INSERT INTO clips VALUES (1, 1), (2, 77);
ALTER TABLE clips ADD FOREIGN KEY (video_id) REFERENCES videos NOT VALID;
SELECT show_error($$SELECT * FROM vigil_repair(true, 'drop')$$);
SELECT action, table_name, rows_affected, detail FROM vigil_repair(false, 'set_null')
WHERE action <> 'none';
SELECT * FROM clips ORDER BY id;
SELECT row_key, row_data, action, column_name FROM vigil_quarantine
WHERE table_name = 'clips' ORDER BY id;

-- privileges: revoked from PUBLIC; a caller without the privileges on a table it would change
-- gets 42501 and nothing changes
SELECT vigil_rule_drop('named_videos');
INSERT INTO frames VALUES (2, 1, -1);
SELECT vigil_rule_add('positive_n', 'frames', 'n > 0');
CREATE ROLE vigil_repair_user;
SET ROLE vigil_repair_user;
SELECT show_error($$SELECT * FROM vigil_repair()$$);
SELECT show_error($$SELECT vigil_restore(1)$$);
SELECT show_error($$SELECT * FROM vigil_quarantine$$);
RESET ROLE;
GRANT EXECUTE ON FUNCTION vigil_repair(boolean, text), vigil_restore(bigint) TO vigil_repair_user;
GRANT SELECT, INSERT ON vigil_quarantine TO vigil_repair_user;
GRANT USAGE ON SEQUENCE vigil_quarantine_batch_seq TO vigil_repair_user;
GRANT SELECT ON videos, videos_id_seq, detections, people, frames, clips, vigil_rules TO vigil_repair_user;
SET ROLE vigil_repair_user;
SELECT show_error($$SELECT * FROM vigil_repair(false)$$);
RESET ROLE;
SELECT * FROM frames ORDER BY id;
SELECT max(batch) AS last_batch FROM vigil_quarantine;
GRANT UPDATE ON frames TO vigil_repair_user;
SET ROLE vigil_repair_user;
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false) ORDER BY 1, 2;
RESET ROLE;
SELECT * FROM frames ORDER BY id;
SELECT proname, proacl IS NOT NULL AND NOT has_function_privilege('public', p.oid, 'EXECUTE') AS revoked,
       prosecdef
FROM pg_proc p WHERE proname IN ('vigil_repair', 'vigil_restore') ORDER BY 1;
-- dumped with its rows, and not a user table
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'vigil';
SELECT count(*) FROM vigil_schema() WHERE table_name = 'vigil_quarantine';
REVOKE ALL ON videos, videos_id_seq, detections, people, frames, clips, vigil_rules, vigil_quarantine FROM vigil_repair_user;
REVOKE ALL ON SEQUENCE vigil_quarantine_batch_seq FROM vigil_repair_user;
REVOKE ALL ON FUNCTION vigil_repair(boolean, text), vigil_restore(bigint) FROM vigil_repair_user;
DROP ROLE vigil_repair_user;
\c :regression_db
DROP DATABASE vigil_repair_test;
