#!/usr/bin/python3
"""examples/clients/python/side_by_side.py -- vigil from Python, on both engines at once.

Creates the validation platform in a fresh SQLite file (the standard sqlite3 module with
load_extension) and in a fresh PostgreSQL database (psycopg 3), sends the same vigil calls
(examples/clients/queries.json) to both, and prints the answers side by side.  Exits 1 if
the engines disagree.

    /usr/bin/python3 examples/clients/python/side_by_side.py      # PostgreSQL from PGHOST/PGPORT/PGUSER

Debian's /usr/bin/python3 is needed: its sqlite3 module can load extensions.
"""
import json
import os
import sqlite3
import sys
import tempfile

import psycopg

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "validation_platform")
VIDEOS = 40


def read(name):
    with open(os.path.join(EXAMPLE, name), encoding="utf-8") as f:
        return f.read()


def sqlite_connection(path):
    con = sqlite3.connect(path)
    con.enable_load_extension(True)
    con.load_extension(os.path.join(ROOT, "build", "vigil"))
    con.enable_load_extension(False)  # SQL itself may not load extensions
    con.executescript(read("schema.sqlite.sql"))
    con.executescript(
        f"CREATE TEMP TABLE gen_params AS SELECT 42 AS seed, {VIDEOS} AS videos, 5 AS detections_per_video, 10 AS annotations_per_video;"
        + read("generate.sqlite.sql"))
    con.commit()
    return con


def postgres_connection(dbname):
    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f'CREATE DATABASE "{dbname}"')
    con = psycopg.connect(dbname=dbname, autocommit=True)
    con.execute("CREATE EXTENSION vigil")
    con.execute(read("schema.postgres.sql"))
    con.execute(
        f"CREATE TEMP TABLE gen_params AS SELECT 42 AS seed, {VIDEOS} AS videos, 5 AS detections_per_video, 10 AS annotations_per_video;"
        + read("generate.postgres.sql"))
    return con


def normalise(rows):
    return [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows]


def main():
    with open(os.path.join(ROOT, "examples", "clients", "queries.json"), encoding="utf-8") as f:
        queries = json.load(f)["queries"]
    dbname = "vigil_client_python"
    with tempfile.TemporaryDirectory() as tmp:
        lite = sqlite_connection(os.path.join(tmp, "platform.db"))
        pg = postgres_connection(dbname)
        differ = 0
        try:
            for sql in queries:
                a = normalise(lite.execute(sql).fetchall())
                b = normalise(pg.execute(sql).fetchall())
                same = a == b
                differ += not same
                print(f"{'same' if same else 'DIFFERENT'}: {sql}")
                width = max([len(repr(r)) for r in a] + [6])
                print(f"  {'sqlite':<{width}} | postgresql")
                for i in range(max(len(a), len(b))):
                    left = repr(a[i]) if i < len(a) else ""
                    right = repr(b[i]) if i < len(b) else ""
                    print(f"  {left:<{width}} | {right}")
        finally:
            lite.close()
            pg.close()
            with psycopg.connect(dbname="postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
    print(f"{len(queries) - differ} passed, {differ} failed")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
