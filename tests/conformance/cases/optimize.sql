-- vigil_optimize(): recommendations drawn from the schema model are the same on both engines
-- (a foreign key without an index, an index that duplicates another).  Statistics-based ones
-- (analyze, unused indexes) and engine-specific ones (WAL, PRAGMA optimize) are not compared.

-- setup sqlite
CREATE TABLE o_parent (id INTEGER PRIMARY KEY, code TEXT);
CREATE TABLE o_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES o_parent (id),
                      other_id INTEGER REFERENCES o_parent (id), note TEXT);
-- setup postgres
CREATE TABLE o_parent (id integer PRIMARY KEY, code text);
CREATE TABLE o_child (id integer PRIMARY KEY, parent_id integer REFERENCES o_parent (id),
                      other_id integer REFERENCES o_parent (id), note text);
-- setup
CREATE INDEX o_child_other ON o_child (other_id, note);
CREATE INDEX o_child_note ON o_child (note);
CREATE INDEX o_child_note_again ON o_child (note);

-- query
SELECT action, target, reason FROM vigil_optimize()
WHERE action = 'create_index' OR reason LIKE 'duplicates%' ORDER BY action, target;
-- expect
[["create_index", "o_child(parent_id)",
  "foreign key to o_parent has no index: deleting or updating a key of o_parent scans o_child"],
 ["drop_index", "o_child.o_child_note_again", "duplicates index o_child_note on (note)"]]

-- Applied, the index exists on both engines and the recommendation goes away.
-- setup
SELECT count(*) FROM vigil_optimize(true);
-- query
SELECT action, target FROM vigil_optimize() WHERE action = 'create_index';
-- expect
[]
-- query
SELECT name, definition FROM vigil_schema('o_child') WHERE object_type = 'index' ORDER BY name;
