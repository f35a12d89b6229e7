/* pg_extension/sql/vigil--0.1.0--0.2.0.sql -- from 0.1.0 to 0.2.0 (unreleased: edited until 0.2.0 ships).

   CREATE EXTENSION vigil installs 0.1.0 and then runs this script (no vigil--0.2.0.sql exists,
   as in contrib/amcheck), so a fresh install and an upgrade run the same statements.  Every
   change to the SQL surface after 0.1.0 is written here, one section per change, with a banner;
   docs/upgrading.md lists them. */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION vigil UPDATE TO '0.2.0'" to load this file. \quit
