#!/usr/bin/python3
"""bench/migrate_bench.py -- vigil_migrate() against running the same SQL directly.

    /usr/bin/python3 bench/migrate_bench.py [--count 500] [--engine sqlite|postgres|both]

For each engine, side by side in one run:
  direct     the N migrations' SQL run by the client, one transaction each (what a user would
             otherwise do, as a migration tool outside the database does);
  vigil      the same N migrations registered with vigil_migration_add, then applied by one
             SELECT * FROM vigil_migrate() (registration timed separately);
  noop       vigil_migrate() with nothing pending and N applied (median of 30 calls).
A trivial migration is `CREATE TABLE bench_<i> (id integer PRIMARY KEY, v text)`: it changes
the schema, so vigil records a new schema fingerprint after each one.

SQLite runs on a file in /tmp with the default journal (DELETE) and synchronous=FULL, and again
with synchronous=OFF, which takes the disk out and leaves the work each side does.
PostgreSQL is reached through the libpq environment (PGHOST, PGPORT, PGUSER); the script
creates and drops a database `vigil_bench`.  Needs build/vigil.so and the installed extension.
Timings print as a table with ratios; bench/RESULTS.md records them.  Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SQLITE_EXTENSION = REPO / "build" / "vigil.so"


def migration_sql(i: int) -> str:
    return f"CREATE TABLE bench_{i} (id integer PRIMARY KEY, v text)"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report(engine: str, n: int, direct: float, add: float, apply: float, noop: list[float]) -> None:
    noop_ms = statistics.median(noop) * 1000
    print(f"{engine}: {n} migrations")
    print(f"  direct, one transaction each   {direct * 1000:9.1f} ms")
    print(f"  vigil_migrate()                {apply * 1000:9.1f} ms   ratio {apply / direct:5.2f}x"
          f"   (goal <= 1.5x)")
    print(f"  vigil_migration_add() x {n:<5}  {add * 1000:9.1f} ms")
    print(f"  add + migrate                  {(add + apply) * 1000:9.1f} ms   ratio "
          f"{(add + apply) / direct:5.2f}x")
    print(f"  vigil_migrate(), nothing pending, {n} applied: median {noop_ms:.2f} ms"
          f" (min {min(noop) * 1000:.2f}, max {max(noop) * 1000:.2f})   (goal <= 10 ms)")
    print()


def bench_sqlite(n: int, synchronous: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        def connect(name: str) -> sqlite3.Connection:
            con = sqlite3.connect(os.path.join(tmp, name), isolation_level=None)
            con.execute(f"PRAGMA synchronous = {synchronous}")
            con.enable_load_extension(True)
            con.load_extension(str(SQLITE_EXTENSION))
            con.enable_load_extension(False)
            return con

        direct_db = connect("direct.db")

        def direct() -> None:
            for i in range(n):
                direct_db.execute("BEGIN")
                direct_db.execute(migration_sql(i))
                direct_db.execute("COMMIT")

        t_direct = timed(direct)
        db = connect("vigil.db")

        def add() -> None:
            for i in range(n):
                db.execute("SELECT vigil_migration_add(?, ?, ?)", (str(i + 1), f"bench {i}",
                                                                   migration_sql(i)))

        t_add = timed(add)
        rows = []
        t_apply = timed(lambda: rows.extend(db.execute("SELECT * FROM vigil_migrate()").fetchall()))
        assert len(rows) == n and all(r[2] == "applied" for r in rows), rows[:3]
        noop = []
        for _ in range(30):
            noop.append(timed(lambda: db.execute("SELECT * FROM vigil_migrate()").fetchall()))
        report(f"SQLite (synchronous={synchronous})", n, t_direct, t_add, t_apply, noop)


def bench_postgres(n: int) -> None:
    import psycopg
    from psycopg import sql as pgsql

    admin = psycopg.connect("", autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS vigil_bench WITH (FORCE)")
    admin.execute("CREATE DATABASE vigil_bench TEMPLATE template0")
    try:
        con = psycopg.connect("", dbname="vigil_bench", autocommit=True)
        con.execute("CREATE EXTENSION vigil")
        con.execute("CREATE SCHEMA direct")

        def direct() -> None:
            for i in range(n):
                with con.transaction():
                    con.execute(f"CREATE TABLE direct.bench_{i} (id integer PRIMARY KEY, v text)")

        t_direct = timed(direct)
        con.execute("DROP SCHEMA direct CASCADE")

        def add() -> None:
            for i in range(n):
                con.execute("SELECT vigil_migration_add(%s, %s, %s)",
                            (str(i + 1), f"bench {i}", migration_sql(i)))

        t_add = timed(add)
        rows = []
        t_apply = timed(lambda: rows.extend(con.execute("SELECT * FROM vigil_migrate()").fetchall()))
        assert len(rows) == n and all(r[2] == "applied" for r in rows), rows[:3]
        noop = []
        for _ in range(30):
            noop.append(timed(lambda: con.execute("SELECT * FROM vigil_migrate()").fetchall()))
        fsync = con.execute("SHOW fsync").fetchone()[0]
        report(f"PostgreSQL (fsync={fsync})", n, t_direct, t_add, t_apply, noop)
        con.close()
    finally:
        admin.execute(pgsql.SQL("DROP DATABASE IF EXISTS vigil_bench WITH (FORCE)"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.engine in ("sqlite", "both"):
        bench_sqlite(args.count, "FULL")
        bench_sqlite(args.count, "OFF")
    if args.engine in ("postgres", "both"):
        bench_postgres(args.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
