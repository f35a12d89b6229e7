#!/usr/bin/python3
"""bench/repair_bench.py -- vigil_repair() / vigil_restore() against the SQL a user would write.

    /usr/bin/python3 bench/repair_bench.py [--rows 200000] [--rounds 3] [--engine sqlite|postgres|both]

Data (identical in both engines): d(id integer PRIMARY KEY, video_id integer, confidence real,
label text) with `rows` rows; confidence = (id % 13) / 10, so 3 rows in 13 break the rule
`confidence BETWEEN 0 AND 1` (nullable column: the repair sets them to NULL).  Each round
rebuilds the table, then times, side by side:
  hand       what a user would write: copy the offending rows to a side table, then one UPDATE
             (SQLite: INSERT INTO q SELECT * ...; PostgreSQL: INSERT INTO q SELECT to_jsonb(d) ...),
             in one transaction -- set-based, no per-row exact encoding, no re-test;
  dry        vigil_repair() (the plan: the repair done in a savepoint and rolled back);
  repair     vigil_repair(false): each offending row read again (FOR UPDATE in PostgreSQL),
             tested, copied exactly to vigil_quarantine, changed;
  restore    vigil_restore(batch): every row set back, read back and compared.
SQLite: a file in $TMPDIR, default journal.  PostgreSQL: the libpq environment (PGHOST, PGPORT,
PGUSER); creates and drops database vigil_bench_repair.  Prints medians and ratios to `hand`;
bench/RESULTS.md records them.  Not a test: timings are never asserted.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RULE = "confidence BETWEEN 0 AND 1"


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def sqlite_round(rows: int) -> dict[str, float]:
    path = os.path.join(tempfile.gettempdir(), "vigil_bench_repair.db")
    for suffix in ("", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    c = sqlite3.connect(path, isolation_level=None)
    c.enable_load_extension(True)
    c.load_extension(str(REPO / "build" / "vigil"))
    c.enable_load_extension(False)

    def load():
        c.execute("DROP TABLE IF EXISTS d")
        c.execute("DROP TABLE IF EXISTS q")
        c.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, video_id INTEGER, confidence REAL, label TEXT)")
        c.execute("CREATE TABLE q AS SELECT * FROM d WHERE 0")
        c.execute("BEGIN")
        c.executemany("INSERT INTO d VALUES (?, ?, ?, 'car')",
                      ((i, i % 100, (i % 13) / 10.0) for i in range(rows)))
        c.execute("COMMIT")

    def hand():
        c.execute("BEGIN")
        c.execute(f"INSERT INTO q SELECT * FROM d WHERE NOT ({RULE})")
        c.execute(f"UPDATE d SET confidence = NULL WHERE NOT ({RULE})")
        c.execute("COMMIT")

    out = {}
    load()
    out["hand"] = timed(hand)
    load()
    c.execute("SELECT vigil_rule_add('conf', 'd', ?)", (RULE,))
    out["dry"] = timed(lambda: c.execute("SELECT vigil_repair()").fetchone())
    batch = []
    out["repair"] = timed(lambda: batch.append(c.execute("SELECT batch FROM vigil_repair(0)").fetchone()[0]))
    out["restore"] = timed(lambda: c.execute("SELECT vigil_restore(?)", (batch[0],)).fetchone())
    c.close()
    os.remove(path)
    return out


def postgres_round(rows: int) -> dict[str, float]:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS vigil_bench_repair WITH (FORCE)")
        admin.execute("CREATE DATABASE vigil_bench_repair")
    out = {}
    with psycopg.connect(dbname="vigil_bench_repair", autocommit=True) as c:
        c.execute("CREATE EXTENSION vigil")

        def load():
            c.execute("DROP TABLE IF EXISTS d, q")
            c.execute("CREATE TABLE d (id integer PRIMARY KEY, video_id integer, confidence real, label text)")
            c.execute("CREATE TABLE q (row_data jsonb)")
            c.execute("INSERT INTO d SELECT i, i %% 100, (i %% 13) / 10.0, 'car' FROM generate_series(0, %s - 1) i",
                      (rows,))
            c.execute("VACUUM ANALYZE d")

        def hand():
            with c.transaction():
                c.execute(f"INSERT INTO q SELECT to_jsonb(d) FROM d WHERE NOT ({RULE})")
                c.execute(f"UPDATE d SET confidence = NULL WHERE NOT ({RULE})")

        load()
        out["hand"] = timed(hand)
        load()
        c.execute("SELECT vigil_rule_add('conf', 'd', %s)", (RULE,))
        out["dry"] = timed(lambda: c.execute("SELECT count(*) FROM vigil_repair()").fetchone())
        batch = []
        out["repair"] = timed(lambda: batch.append(
            c.execute("SELECT batch FROM vigil_repair(false)").fetchone()[0]))
        out["restore"] = timed(lambda: c.execute("SELECT vigil_restore(%s)", (batch[0],)).fetchone())
    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE vigil_bench_repair WITH (FORCE)")
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=200000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    a = p.parse_args()
    bad = sum(1 for i in range(a.rows) if (i % 13) > 10)
    engines = ["sqlite", "postgres"] if a.engine == "both" else [a.engine]
    print(f"repair: {a.rows} rows, {bad} offending, median of {a.rounds} rounds")
    print(f"{'engine':10} {'step':8} {'seconds':>8} {'rows/s':>9} {'x hand':>7}")
    for engine in engines:
        runs = [(sqlite_round if engine == "sqlite" else postgres_round)(a.rows) for _ in range(a.rounds)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        for step in ("hand", "dry", "repair", "restore"):
            print(f"{engine:10} {step:8} {med[step]:8.3f} {bad / med[step]:9.0f} {med[step] / med['hand']:7.1f}")


if __name__ == "__main__":
    main()
