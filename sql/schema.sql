-- sql/schema.sql: vigil_schema() and vigil_schema_fingerprint()
-- an empty database has an empty model and a fixed fingerprint
SELECT count(*) FROM vigil_schema();
SELECT vigil_schema_fingerprint();

-- the validation platform's schema
CREATE TABLE projects (
  id integer PRIMARY KEY,
  name text NOT NULL,
  camera_model varchar(100),
  status text NOT NULL DEFAULT 'Draft' CHECK (status IN ('Draft', 'Active', 'Completed')),
  created_at timestamp DEFAULT now()
);
CREATE TABLE videos (
  id serial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects ON DELETE CASCADE,
  path text NOT NULL UNIQUE,
  duration_s double precision CHECK (duration_s > 0),
  fps numeric(6,2),
  processing_status text DEFAULT 'pending'
);
CREATE TABLE test_sessions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects(id),
  video_id integer REFERENCES videos(id) ON DELETE SET NULL,
  started_at timestamptz,
  finished_at timestamptz,
  CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE TABLE detection_events (
  session_id bigint NOT NULL,
  seq integer NOT NULL,
  video_id integer NOT NULL,
  class_label text NOT NULL,
  confidence real CHECK (confidence BETWEEN 0 AND 1),
  bbox jsonb,
  validated boolean DEFAULT false,
  PRIMARY KEY (session_id, seq),
  FOREIGN KEY (session_id) REFERENCES test_sessions(id),
  FOREIGN KEY (video_id) REFERENCES videos(id)
);
CREATE INDEX detection_events_video ON detection_events (video_id, class_label);
CREATE UNIQUE INDEX videos_lower_path ON videos (lower(path));
CREATE INDEX videos_pending ON videos (project_id) WHERE processing_status = 'pending';

SELECT table_name, object_type, name, definition FROM vigil_schema();
-- engine_definition keeps PostgreSQL's own text
SELECT name, engine_definition FROM vigil_schema() WHERE table_name = 'videos' AND object_type <> 'table';
-- the same fingerprint as tests/sqlite/schema.sql gives for SQLite's spelling of this schema
SELECT vigil_schema_fingerprint();
-- one table
SELECT table_name, object_type, name, definition FROM vigil_schema('test_sessions');
SELECT vigil_schema_fingerprint('projects') = vigil_schema_fingerprint('projects') AS stable,
       vigil_schema_fingerprint('projects') <> vigil_schema_fingerprint('videos') AS distinct_tables;

-- drift: any change of the model changes the fingerprint, renaming a constraint does not
CREATE TEMP TABLE fp AS SELECT vigil_schema_fingerprint() AS before;
ALTER TABLE videos RENAME CONSTRAINT videos_path_key TO videos_path_unique;
SELECT vigil_schema_fingerprint() = before AS unchanged_after_constraint_rename FROM fp;
ALTER TABLE videos ADD COLUMN notes text;
SELECT vigil_schema_fingerprint() <> before AS changed_after_add_column FROM fp;
ALTER TABLE videos DROP COLUMN notes;
SELECT vigil_schema_fingerprint() = before AS back_after_drop_column FROM fp;
ALTER TABLE videos ALTER COLUMN processing_status SET NOT NULL;
SELECT vigil_schema_fingerprint() <> before AS changed_after_set_not_null FROM fp;
ALTER TABLE videos ALTER COLUMN processing_status DROP NOT NULL;
-- temp tables, views and other schemas
CREATE VIEW project_names AS SELECT name FROM projects;
CREATE SCHEMA archive;
CREATE TABLE archive.old_projects (id int PRIMARY KEY, name text);
SELECT DISTINCT table_name FROM vigil_schema() ORDER BY 1;
SELECT table_name, object_type, name, definition FROM vigil_schema('archive.old_projects');
-- a partitioned table is one table (its partitions are not listed)
CREATE TABLE frames (video_id int NOT NULL, n int NOT NULL, PRIMARY KEY (video_id, n)) PARTITION BY RANGE (video_id);
CREATE TABLE frames_1 PARTITION OF frames FOR VALUES FROM (0) TO (1000);
SELECT table_name, object_type, name, definition FROM vigil_schema() WHERE table_name LIKE 'frames%';
-- a table whose name needs quoting
CREATE TABLE "x""; DROP TABLE projects;--" ("Weird Col" int PRIMARY KEY, "select" text);
SELECT table_name, object_type, name, definition FROM vigil_schema('x"; DROP TABLE projects;--');
SELECT count(*) FROM projects;
-- the extension's own objects and system schemas never appear
SELECT count(*) FROM vigil_schema() WHERE table_name LIKE 'pg_%' OR table_name LIKE 'information_schema%';
-- PostgreSQL skips the foreign-key, index and CHECK queries for a table whose pg_class row says
-- it has none (relhastriggers, relhasindex, relchecks): a partitioned table's foreign key and
-- CHECK, a NOT VALID CHECK, an inherited CHECK, an index added later are all still seen
CREATE TABLE flags_parent (id int PRIMARY KEY);
CREATE TABLE flags_part (id int NOT NULL, p int, CHECK (id > 0)) PARTITION BY RANGE (id);
ALTER TABLE flags_part ADD CONSTRAINT flags_part_p_fkey FOREIGN KEY (p) REFERENCES flags_parent;
CREATE TABLE flags_part_1 PARTITION OF flags_part FOR VALUES FROM (1) TO (10);
CREATE TABLE flags_base (a int);
ALTER TABLE flags_base ADD CONSTRAINT flags_base_a_check CHECK (a > 0) NOT VALID;
CREATE TABLE flags_child (b int) INHERITS (flags_base);
CREATE INDEX flags_child_b ON flags_child (b);
SELECT table_name, object_type, name, definition FROM vigil_schema()
WHERE table_name LIKE 'flags%' AND object_type <> 'column' ORDER BY 1, 2, 3;
DROP TABLE flags_child, flags_base, flags_part, flags_parent;
