-- The fingerprint example: one table written in each engine's spelling gives the same
-- canonical rows and the same fingerprint.

-- setup sqlite
CREATE TABLE projects(id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMP);

-- setup postgres
CREATE TABLE projects(id integer PRIMARY KEY, name text NOT NULL, created_at timestamp);

-- query
SELECT vigil_schema_fingerprint();

-- query
SELECT vigil_schema_fingerprint('projects');

-- query
SELECT vigil_schema_fingerprint() = vigil_schema_fingerprint('projects');
-- expect
[[true]]

-- query
SELECT table_name, object_type, name, definition FROM vigil_schema();
-- expect
[["projects", "table", "projects", ""],
 ["projects", "column", "id", "1 integer not null"],
 ["projects", "column", "name", "2 text not null"],
 ["projects", "column", "created_at", "3 timestamp"],
 ["projects", "primary_key", "(id)", "(id)"]]

-- query
SELECT table_name, object_type, name, definition FROM vigil_schema('projects');

-- engine_definition is the engine's own text: only check that columns carry one.
-- query
SELECT name, engine_definition IS NOT NULL FROM vigil_schema() WHERE object_type = 'column';
-- expect
[["id", true], ["name", true], ["created_at", true]]
