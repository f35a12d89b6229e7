/* pg_extension/vigil--0.1.0.sql, assembled from the fragments in pg_extension/sql/ */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION vigil" to load this file. \quit

