-- sql/sequence_default.sql: sequence_behind finds a sequence through an integer column's
-- nextval() default when no column owns it (pg_dump'ed schemas without OWNED BY), and a
-- sequence that two tables' defaults share is checked against, and repaired past, both.
SELECT current_database() AS regression_db \gset
CREATE DATABASE vigil_sequence_default;
\c vigil_sequence_default
CREATE EXTENSION vigil;

CREATE SEQUENCE actor_actor_id_seq;
CREATE TABLE actor (actor_id integer DEFAULT nextval('actor_actor_id_seq'::regclass) PRIMARY KEY,
                    name text);
INSERT INTO actor (name) SELECT 'a' || g FROM generate_series(1, 8) g;
SELECT * FROM vigil_check('actor');
-- not an identity column: the schema model is unchanged
SELECT name, definition FROM vigil_schema('actor') WHERE object_type = 'column';
SELECT setval('actor_actor_id_seq', 5);
SELECT * FROM vigil_check('actor');
SELECT * FROM vigil_check_rows('sequence_behind', 'actor') ORDER BY row_key::text;
SELECT action, table_name, detail FROM vigil_repair(false);
SELECT * FROM vigil_check('actor');
INSERT INTO actor (name) VALUES ('next') RETURNING actor_id;

-- One sequence, two tables' defaults: each table is compared with it.
CREATE SEQUENCE shared_id;
CREATE TABLE film (id bigint DEFAULT nextval('shared_id') PRIMARY KEY);
CREATE TABLE store (id bigint DEFAULT nextval('shared_id') PRIMARY KEY);
INSERT INTO film SELECT g FROM generate_series(1, 10) g;
INSERT INTO store SELECT g FROM generate_series(1, 20) g;
SELECT setval('shared_id', 5);
SELECT check_name, table_name, detail, violations, sample_keys FROM vigil_check() ORDER BY 2;
SELECT action, table_name, detail FROM vigil_repair(false) ORDER BY 2;
SELECT count(*) AS findings FROM vigil_check() WHERE severity <> 'info';
SELECT last_value FROM shared_id;

-- Not a plain nextval() default on an integer column: not this sequence's column.
CREATE SEQUENCE code_seq;
CREATE TABLE coded (code text DEFAULT 'C' || nextval('code_seq') PRIMARY KEY);
INSERT INTO coded VALUES ('C9');
SELECT count(*) AS findings FROM vigil_check('coded') WHERE severity <> 'info';

\c :regression_db
DROP DATABASE vigil_sequence_default;
