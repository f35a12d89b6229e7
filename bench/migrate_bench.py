#!/usr/bin/python3
"""bench/migrate_bench.py -- vigil_migrate() against running the same SQL directly.

    /usr/bin/python3 bench/migrate_bench.py [--count 500] [--rounds 3]
                                            [--engine sqlite|postgres|both] [--shape create|alter|both]

For each engine, side by side, in alternating rounds (so that a noisy machine weighs on both):
  direct     the N migrations' SQL run by the client, one transaction each -- what a migration
             tool outside the database does (it also records each step, which is not counted);
  vigil      the same N migrations registered with vigil_migration_add (timed apart), then
             applied by one vigil_migrate() call;
  noop       vigil_migrate() with nothing pending and N applied (median of 30 calls).
Two shapes of trivial migration, both changing the schema (so vigil records a new schema
fingerprint after each one):
  create     CREATE TABLE bench_<i> (id integer PRIMARY KEY, v text) -- each creates files,
             which on a busy disk dominates both sides;
  alter      ALTER TABLE base_<i % 50> ADD COLUMN c<i> integer, on 50 tables created beforehand
             (untimed) -- catalog work only, which shows vigil's own cost best.

SQLite runs on files in $TMPDIR with the default rollback journal, once with synchronous=FULL
(the default: one sync per transaction) and once with synchronous=OFF (the disk out of the
way: what is left is the work each side does).  vigil uses the scalar call
`SELECT vigil_migrate()` there.  PostgreSQL is reached through the libpq environment (PGHOST,
PGPORT, PGUSER); the script creates and drops databases `vigil_bench_*`.  Needs build/vigil.so
and the installed extension.  Prints a table with ratios; bench/RESULTS.md records them.
Not a test: timings are never asserted.
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


SHAPE = "create"
BASE_TABLES = 50


def migration_sql(i: int) -> str:
    if SHAPE == "alter":
        return f"ALTER TABLE base_{i % BASE_TABLES} ADD COLUMN c{i} integer"
    return f"CREATE TABLE bench_{i} (id integer PRIMARY KEY, v text)"


def prepare_sql() -> list[str]:
    if SHAPE == "alter":
        return [f"CREATE TABLE base_{t} (id integer PRIMARY KEY)" for t in range(BASE_TABLES)]
    return []


CPU = {"pid": None}  # PostgreSQL backend whose CPU time is measured; None: this process


def cpu_seconds() -> float:
    if CPU["pid"] is None:
        return time.process_time()
    with open(f"/proc/{CPU['pid']}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, cpu: list | None = None) -> float:
    start, start_cpu = time.perf_counter(), cpu_seconds()
    fn()
    if cpu is not None:
        cpu.append(cpu_seconds() - start_cpu)
    return time.perf_counter() - start


class Result:
    def __init__(self) -> None:
        self.direct: list[float] = []
        self.add: list[float] = []
        self.apply: list[float] = []
        self.noop: list[float] = []
        self.direct_cpu: list[float] = []
        self.apply_cpu: list[float] = []

    cpu_label = " (this process)"

    def report(self, title: str, n: int) -> None:
        med = statistics.median
        direct, add, apply = med(self.direct), med(self.add), med(self.apply)
        ratios = [a / d for a, d in zip(self.apply, self.direct)]
        print(f"{title}: {n} migrations, {len(self.direct)} rounds (medians; per-round ratios)")
        print(f"  direct, one transaction each     {direct * 1000:9.1f} ms")
        print(f"  vigil_migrate(), one call        {apply * 1000:9.1f} ms   ratio {apply / direct:5.2f}x"
              f"   [{', '.join(f'{r:.2f}' for r in ratios)}]   goal <= 1.5x")
        dcpu, acpu = med(self.direct_cpu), med(self.apply_cpu)
        print(f"  CPU time{self.cpu_label:<25}{dcpu * 1000:9.1f} ms direct, {acpu * 1000:.1f} ms vigil"
              f"   ratio {acpu / dcpu if dcpu else float('nan'):5.2f}x")
        print(f"  vigil_migration_add() x {n:<5}    {add * 1000:9.1f} ms   "
              f"(add + migrate: {(add + apply) / direct:.2f}x direct)")
        print(f"  vigil_migrate(), nothing pending, {n} applied: median {med(self.noop) * 1000:.2f} ms,"
              f" p90 {statistics.quantiles(self.noop, n=10)[-1] * 1000:.2f} ms   goal <= 10 ms")
        print()


def sqlite_round(tmp: str, n: int, synchronous: str, r: int, result: Result) -> None:
    def connect(name: str) -> sqlite3.Connection:
        path = os.path.join(tmp, f"{name}-{synchronous}-{r}.db")
        con = sqlite3.connect(path, isolation_level=None)
        con.execute(f"PRAGMA synchronous = {synchronous}")
        con.enable_load_extension(True)
        con.load_extension(str(SQLITE_EXTENSION))
        con.enable_load_extension(False)
        for stmt in prepare_sql():
            con.execute(stmt)
        return con

    direct_db = connect("direct")

    def direct() -> None:
        for i in range(n):
            direct_db.execute("BEGIN")
            direct_db.execute(migration_sql(i))
            direct_db.execute("COMMIT")

    result.direct.append(timed(direct, result.direct_cpu))
    direct_db.close()
    db = connect("vigil")

    def add() -> None:
        for i in range(n):
            db.execute("SELECT vigil_migration_add(?, ?, ?)", (str(i + 1), f"bench {i}",
                                                               migration_sql(i)))

    result.add.append(timed(add))
    out = []
    result.apply.append(timed(lambda: out.append(db.execute("SELECT vigil_migrate()").fetchone()[0]),
                              result.apply_cpu))
    applied = db.execute("SELECT count(*) FROM vigil_migrations WHERE state = 'applied'").fetchone()[0]
    assert applied == n, (applied, out[0][:200])
    for _ in range(30):
        result.noop.append(timed(lambda: db.execute("SELECT vigil_migrate()").fetchone()))
    db.close()


def bench_sqlite(n: int, rounds: int, synchronous: str) -> None:
    result = Result()
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            sqlite_round(tmp, n, synchronous, r, result)
    result.report(f"SQLite {sqlite3.sqlite_version}, {SHAPE} (journal DELETE, synchronous={synchronous})", n)


def bench_postgres(n: int, rounds: int) -> None:
    import psycopg
    from psycopg import sql as pgsql

    admin = psycopg.connect("", autocommit=True)
    result = Result()
    result.cpu_label = " (server backend)"
    fsync = admin.execute("SHOW fsync").fetchone()[0]
    sync_commit = admin.execute("SHOW synchronous_commit").fetchone()[0]
    version = admin.execute("SHOW server_version").fetchone()[0]
    # Every round gets databases of its own, dropped only at the end: dropping a database
    # deletes thousands of files, and for about 30 s after that ext4 skips the deleted inodes
    # when it allocates new ones (recently_deleted()), which made whichever side ran right after
    # a drop create its files several times slower (perf: up to 55 % of a run in
    # find_inode_bit).  The side that runs first alternates from round to round.
    names = [f"vigil_bench_{side}_{r}" for r in range(rounds) for side in ("direct", "vigil")]

    def drop_all() -> None:
        for name in names:
            admin.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)))

    drop_all()
    try:
        for r in range(rounds):
            for side in ("direct", "vigil"):
                admin.execute(pgsql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
                    pgsql.Identifier(f"vigil_bench_{side}_{r}")))

            def run_direct() -> None:
                con = psycopg.connect("", dbname=f"vigil_bench_direct_{r}", autocommit=True)
                for stmt in prepare_sql():
                    con.execute(stmt)

                def direct() -> None:
                    for i in range(n):
                        with con.transaction():
                            con.execute(migration_sql(i))

                CPU["pid"] = con.execute("SELECT pg_backend_pid()").fetchone()[0]
                result.direct.append(timed(direct, result.direct_cpu))
                CPU["pid"] = None
                con.close()

            def run_vigil() -> None:
                con = psycopg.connect("", dbname=f"vigil_bench_vigil_{r}", autocommit=True)
                con.execute("CREATE EXTENSION vigil")
                for stmt in prepare_sql():
                    con.execute(stmt)

                def add() -> None:
                    for i in range(n):
                        con.execute("SELECT vigil_migration_add(%s, %s, %s)",
                                    (str(i + 1), f"bench {i}", migration_sql(i)))

                result.add.append(timed(add))
                rows = []
                CPU["pid"] = con.execute("SELECT pg_backend_pid()").fetchone()[0]
                result.apply.append(timed(lambda: rows.extend(con.execute("SELECT * FROM vigil_migrate()").fetchall()),
                                          result.apply_cpu))
                CPU["pid"] = None
                assert len(rows) == n and all(row[2] == "applied" for row in rows), rows[:3]
                for _ in range(30):
                    result.noop.append(timed(lambda: con.execute("SELECT * FROM vigil_migrate()").fetchall()))
                con.close()

            for run in ((run_direct, run_vigil) if r % 2 == 0 else (run_vigil, run_direct)):
                run()
    finally:
        drop_all()
    result.report(f"PostgreSQL {version}, {SHAPE} (fsync={fsync}, synchronous_commit={sync_commit})", n)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--shape", choices=["create", "alter", "both"], default="both")
    args = parser.parse_args()
    global SHAPE
    for shape in (["create", "alter"] if args.shape == "both" else [args.shape]):
        SHAPE = shape
        if args.engine in ("sqlite", "both"):
            bench_sqlite(args.count, args.rounds, "FULL")
            bench_sqlite(args.count, args.rounds, "OFF")
        if args.engine in ("postgres", "both"):
            bench_postgres(args.count, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
