-- Defaults that are the current date or time, in the spellings each engine keeps: PostgreSQL's
-- pg_get_expr() of now(), LOCALTIMESTAMP, transaction_timestamp(), and the ('now'::text) casts
-- that pg_dump writes for DEFAULT 'now' (old dumps); SQLite's CURRENT_TIMESTAMP, datetime('now'),
-- date('now'), time('now').  The same table written either way has the same canonical rows and
-- fingerprint, in both engines.  statement_timestamp() is a value of its own.

-- setup sqlite
CREATE TABLE events (id INTEGER PRIMARY KEY,
                     created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                     seen_at TIMESTAMP DEFAULT (datetime('now')),
                     logged_at TIMESTAMP DEFAULT (datetime()),
                     day DATE DEFAULT CURRENT_DATE,
                     due DATE DEFAULT (date('now')),
                     at_time TIME DEFAULT (time('now')));
CREATE TABLE old_dump (id INTEGER PRIMARY KEY, created_at TIMESTAMP DEFAULT (datetime('now')),
                       day DATE DEFAULT (date('now')));
CREATE TABLE new_dump (id INTEGER PRIMARY KEY, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                       day DATE DEFAULT CURRENT_DATE);
-- setup postgres
CREATE TABLE events (id integer PRIMARY KEY,
                     created_at timestamp DEFAULT ('now'::text)::timestamp without time zone,
                     seen_at timestamp DEFAULT LOCALTIMESTAMP,
                     logged_at timestamptz DEFAULT transaction_timestamp(),
                     day date DEFAULT ('now'::text)::date,
                     due date DEFAULT now()::date,
                     at_time time DEFAULT LOCALTIME);
CREATE TABLE old_dump (id integer PRIMARY KEY,
                       created_at timestamptz DEFAULT ('now'::text)::timestamp with time zone,
                       day date DEFAULT ('now'::text)::date);
CREATE TABLE new_dump (id integer PRIMARY KEY, created_at timestamptz DEFAULT now(),
                       day date DEFAULT CURRENT_DATE);

-- query
SELECT table_name, name, definition FROM vigil_schema('events') WHERE object_type = 'column'
-- expect
[["events", "id", "1 integer not null"],
 ["events", "created_at", "2 timestamp default current_timestamp"],
 ["events", "seen_at", "3 timestamp default current_timestamp"],
 ["events", "logged_at", "4 timestamp default current_timestamp"],
 ["events", "day", "5 date default current_date"],
 ["events", "due", "6 date default current_date"],
 ["events", "at_time", "7 other default current_time"]]

-- The old dump's spelling and today's give the same canonical rows.
-- query
SELECT object_type, name, definition FROM vigil_schema('old_dump') WHERE object_type <> 'table'
EXCEPT SELECT object_type, name, definition FROM vigil_schema('new_dump')
-- expect
[]

-- query
SELECT count(*) FROM vigil_schema('new_dump')
-- expect
[[5]]

-- The fingerprints are equal across the engines (the harness compares them).
-- query
SELECT vigil_schema_fingerprint()
