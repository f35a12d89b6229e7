-- tests/sqlite/stats.sql: vigil_table_stats() in SQLite
.load build/vigil
.headers on
.mode table
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE videos (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER REFERENCES projects,
                     path TEXT NOT NULL UNIQUE);
CREATE INDEX videos_project ON videos (project_id);
CREATE TABLE tags (name TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5)
INSERT INTO projects (id, name) SELECT n, 'project ' || n FROM g;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 400)
INSERT INTO videos (project_id, path) SELECT 1 + n % 5, '/v/' || n || '/' || hex(randomblob(20)) FROM g;
SELECT table_name, row_count, index_count, total_bytes > 0 AS has_size, page_count > 0 AS has_pages,
       dead_rows, last_analyze
FROM vigil_table_stats();
SELECT table_name, row_count, index_count FROM vigil_table_stats('videos');
-- sizes add up the table's own b-tree and its indexes' (dbstat)
SELECT total_bytes = (SELECT sum(pgsize) FROM dbstat WHERE name IN ('videos', 'videos_project', 'sqlite_autoindex_videos_1')) AS matches_dbstat
FROM vigil_table_stats('videos');
