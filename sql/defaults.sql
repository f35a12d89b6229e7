-- sql/defaults.sql: defaults that are the current date or time, as pg_get_expr() prints each
-- spelling, canonicalise to one value (docs/schema.md, "Canonical defaults"): an old dump's
-- DEFAULT ('now'::text)::date and today's DEFAULT CURRENT_DATE give one fingerprint.
CREATE TABLE spellings (
  a timestamptz DEFAULT now(),
  b timestamptz DEFAULT CURRENT_TIMESTAMP,
  c timestamptz DEFAULT transaction_timestamp(),
  d timestamp DEFAULT LOCALTIMESTAMP,
  e timestamp DEFAULT ('now'::text)::timestamp without time zone,
  f timestamptz DEFAULT ('now'::text)::timestamp with time zone,
  g date DEFAULT CURRENT_DATE,
  h date DEFAULT ('now'::text)::date,
  i date DEFAULT now()::date,
  j time DEFAULT CURRENT_TIME,
  k time DEFAULT LOCALTIME,
  l timestamptz DEFAULT statement_timestamp(),
  m timestamptz DEFAULT clock_timestamp(),
  n timestamp(0) DEFAULT CURRENT_TIMESTAMP(0),
  -- evaluated once, at CREATE TABLE: PostgreSQL keeps the constant
  o timestamptz DEFAULT 'now'::timestamptz,
  p date DEFAULT 'today');
-- (o and p: the timestamp of CREATE TABLE, a constant; masked here)
SELECT name, regexp_replace(definition, '''.*''', '''<constant>''') AS definition
FROM vigil_schema('spellings') WHERE object_type = 'column'
ORDER BY split_part(definition, ' ', 1)::int;
-- an old dump and a new one: one fingerprint
CREATE SCHEMA old;
CREATE SCHEMA new;
CREATE TABLE old.t (id int PRIMARY KEY, at timestamp DEFAULT ('now'::text)::timestamp without time zone,
                    day date DEFAULT ('now'::text)::date, ts timestamptz DEFAULT ('now'::text)::timestamp with time zone);
CREATE TABLE new.t (id int PRIMARY KEY, at timestamp DEFAULT LOCALTIMESTAMP,
                    day date DEFAULT CURRENT_DATE, ts timestamptz DEFAULT now());
SELECT (SELECT string_agg(definition, '; ' ORDER BY definition) FROM vigil_schema('old.t'))
     = (SELECT string_agg(definition, '; ' ORDER BY definition) FROM vigil_schema('new.t')) AS same;
DROP SCHEMA old CASCADE;
DROP SCHEMA new CASCADE;
DROP TABLE spellings;
