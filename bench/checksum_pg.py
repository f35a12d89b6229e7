#!/usr/bin/python3
"""bench/checksum_pg.py -- vigil_table_checksum() against what a user would write by hand, on
1M platform-shaped rows (detection_events of examples/validation_platform), in PostgreSQL.

    eval "$(VIGIL_PG_PORT=55452 scripts/pg-cluster.sh env)"
    /usr/bin/python3 bench/checksum_pg.py [rows]

Loads the platform in a fresh database (vigil_bench_checksum), then times, side by side in one
session, `RUNS` interleaved rounds of the queries after one warm-up round, and prints the best
and median times and the ratios:
  - SELECT vigil_table_checksum('detection_events')
  - SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM detection_events t   (the usual way)
  - SELECT sum(hashtext(t::text)) FROM detection_events t                     (a cheap hash)
  - SELECT count(*) FROM detection_events                                     (the scan alone)
Goals (issue 7): >= 5x faster than md5(string_agg); <= 1.0x the time of sum(hashtext).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
DB = "vigil_bench_checksum"
RUNS = 7


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    per_video = 50
    with psycopg.connect(autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB} TEMPLATE template0")
    try:
        with psycopg.connect(dbname=DB, autocommit=True) as con:
            con.execute("CREATE EXTENSION vigil")
            con.execute((REPO / "examples/validation_platform/schema.postgres.sql").read_text())
            con.execute(f"CREATE TEMP TABLE gen_params AS SELECT 42 AS seed, {rows // per_video} AS videos, "
                        f"{per_video} AS detections_per_video, 10 AS annotations_per_video")
            started = time.perf_counter()
            con.execute((REPO / "examples/validation_platform/generate.postgres.sql").read_text())
            con.execute("VACUUM ANALYZE")
            n = con.execute("SELECT count(*) FROM detection_events").fetchone()[0]
            size = con.execute("SELECT pg_size_pretty(pg_table_size('detection_events'))").fetchone()[0]
            print(f"PostgreSQL {con.info.server_version}: detection_events {n:,} rows, {size} "
                  f"(loaded in {time.perf_counter() - started:.1f} s)")
            queries = {
                "vigil_table_checksum": "SELECT vigil_table_checksum('detection_events')",
                "md5(string_agg ORDER BY id)":
                    "SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM detection_events t",
                "sum(hashtext(t::text))": "SELECT sum(hashtext(t::text)) FROM detection_events t",
                "count(*) (scan only)": "SELECT count(*) FROM detection_events",
            }
            for sql in queries.values():
                con.execute(sql).fetchall()  # warm-up: caches and buffers
            # Interleaved rounds, so that a busy moment of the machine hits every query alike.
            times: dict[str, list[float]] = {name: [] for name in queries}
            for _ in range(RUNS):
                for name, sql in queries.items():
                    t0 = time.perf_counter()
                    con.execute(sql).fetchall()
                    times[name].append(time.perf_counter() - t0)
            results = {name: (min(t), statistics.median(t)) for name, t in times.items()}
            vigil = results["vigil_table_checksum"][1]
            print(f"{'query':32} {'best s':>8} {'median s':>9} {'median / vigil':>15}")
            for name, (best, median) in results.items():
                print(f"{name:32} {best:8.3f} {median:9.3f} {median / vigil:14.2f}x")
            for i, label in ((1, "median"), (0, "best")):
                v = results["vigil_table_checksum"][i]
                md5 = results["md5(string_agg ORDER BY id)"][i]
                hashtext = results["sum(hashtext(t::text))"][i]
                print(f"{label}: vigil is {md5 / v:.2f}x faster than md5(string_agg) (goal >= 5x); "
                      f"takes {v / hashtext:.2f}x the time of sum(hashtext) (goal <= 1.0x)")
    finally:
        with psycopg.connect(autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
