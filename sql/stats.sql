-- sql/stats.sql: vigil_table_stats()
INSERT INTO projects (id, name) SELECT g, 'project ' || g FROM generate_series(1, 5) g;
INSERT INTO videos (project_id, path) SELECT 1 + g % 5, '/v/' || g FROM generate_series(1, 40) g;
SELECT table_name, row_count, index_count, total_bytes > 0 AS has_size, dead_rows IS NOT NULL AS has_dead_rows
FROM vigil_table_stats();
SELECT table_name, row_count, index_count FROM vigil_table_stats('videos');
-- a partitioned table counts the rows of its partitions and sums their sizes
INSERT INTO frames SELECT 1, g FROM generate_series(1, 10) g;
SELECT table_name, row_count, total_bytes > 0 AS has_size FROM vigil_table_stats('frames');
-- last_analyze after ANALYZE
ANALYZE projects;
SELECT last_analyze IS NOT NULL AS analyzed FROM vigil_table_stats('projects');
