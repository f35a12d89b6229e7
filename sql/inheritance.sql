-- sql/inheritance.sql: old-style inheritance (CREATE TABLE child () INHERITS (parent)).
-- Every vigil function reads each table's OWN rows (FROM ONLY), as PostgreSQL's per-table
-- statistics and constraints do: a child's rows count under the child only, so the listed
-- counts add up to the rows that exist.  A declaratively partitioned table is read whole
-- (its partitions are not listed).
SELECT current_database() AS regression_db \gset
CREATE DATABASE vigil_inheritance;
\c vigil_inheritance
CREATE EXTENSION vigil;

CREATE SEQUENCE payment_id_seq;
CREATE TABLE payment (payment_id integer DEFAULT nextval('payment_id_seq') PRIMARY KEY,
                      amount numeric NOT NULL CHECK (amount >= 0), note text);
CREATE TABLE payment_p2007_01 () INHERITS (payment);
CREATE TABLE payment_p2007_02 () INHERITS (payment);
ALTER TABLE payment_p2007_01 ADD PRIMARY KEY (payment_id);
ALTER TABLE payment_p2007_02 ADD PRIMARY KEY (payment_id);
INSERT INTO payment (amount) SELECT g FROM generate_series(1, 3) g;
INSERT INTO payment_p2007_01 (amount) SELECT g FROM generate_series(1, 5) g;
INSERT INTO payment_p2007_02 (amount) SELECT g FROM generate_series(1, 7) g;
-- and a partitioned table for contrast: read through its parent
CREATE TABLE parted (id integer PRIMARY KEY, v text) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (1) TO (11);
CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (11) TO (21);
INSERT INTO parted SELECT g, 'v' || g FROM generate_series(1, 20) g;
CREATE TABLE own3 AS SELECT * FROM ONLY payment;
CREATE TABLE all15 AS SELECT * FROM payment;

-- Row counts: 3 + 5 + 7 = 15 rows, and 20 in the partitioned table.
SELECT table_name, row_count FROM vigil_table_stats() ORDER BY 1;
SELECT sum(row_count) AS listed, (SELECT count(*) FROM payment) AS payment_rows
FROM vigil_table_stats() WHERE table_name LIKE 'payment%';
SELECT table_name, row_count FROM vigil_checksums() ORDER BY 1;
-- sizes and counts describe the same rows: the parent's own heap
SELECT s.total_bytes = pg_total_relation_size('payment') AS own_bytes
FROM vigil_table_stats('payment') s;

-- Checksums: the parent's digest is that of its own three rows.
SELECT vigil_table_checksum('payment') = vigil_table_checksum('own3') AS own_rows,
       vigil_table_checksum('payment') = vigil_table_checksum('all15') AS with_children,
       vigil_table_checksum('payment', 'payment_id') =
         vigil_table_checksum('own3', 'payment_id') AS own_rows_columns;
SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('payment', 2);
SELECT row_count FROM vigil_checksum_segments('payment', 1, '[2]', NULL);
SELECT sum(row_count) FROM vigil_checksum_segments('payment_p2007_02', 3);

-- Checks and rules: a child's bad row is reported under the child, not under the parent.
UPDATE payment_p2007_01 SET note = 'big' WHERE payment_id = 7;
SELECT vigil_rule_add('no_big', 'payment', 'note IS DISTINCT FROM ''big''');
SELECT vigil_rule_add('no_big_child', 'payment_p2007_01', 'note IS DISTINCT FROM ''big''');
SELECT check_name, table_name, violations, sample_keys FROM vigil_check() WHERE severity <> 'info'
ORDER BY 1, 2;
SELECT * FROM vigil_check_rows('rule:no_big_child', 'payment_p2007_01');
SELECT * FROM vigil_check_rows('rule:no_big', 'payment');
-- the sequence the parent's default uses (and its children inherit) is behind the children
SELECT setval('payment_id_seq', 4);
SELECT check_name, table_name, violations, sample_keys FROM vigil_check() WHERE severity <> 'info'
ORDER BY 1, 2;
-- repair acts on the child's row and the sequence only
SELECT action, table_name, rows_affected FROM vigil_repair(false) ORDER BY 1, 2;
SELECT count(*) FROM ONLY payment;
SELECT count(*) FROM payment_p2007_01;
SELECT count(*) AS findings FROM vigil_check() WHERE severity <> 'info';
SELECT nextval('payment_id_seq') > 15 AS past_every_table;

\c :regression_db
DROP DATABASE vigil_inheritance;
