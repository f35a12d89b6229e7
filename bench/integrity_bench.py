#!/usr/bin/python3
"""bench/integrity_bench.py -- vigil_check / vigil_check_rows against what a user would
otherwise run, side by side in one process, on platform-shaped data:
10 000 videos, 1 000 000 detections, 1 000 of them orphans.

    /usr/bin/python3 bench/integrity_bench.py [--runs N] [--skip-postgres]

SQLite: a file database in a temporary directory, build/vigil.so loaded.
PostgreSQL: reached through the libpq environment (PGHOST, PGPORT, PGUSER; the role must be
able to create databases and, for the memory figure, run as root or as the server's user so
that /proc/<backend>/status is readable); the script creates and drops `vigil_bench`.

Timings are the median of N runs (default 7), the two sides alternating; the ratio of the
best runs is shown too (on a shared machine the best run is the least disturbed).  Memory is the peak
of RssAnon (private anonymous memory: heap, not shared buffers or the page cache) above its
value before the call, sampled every 5 ms: of this process for SQLite, of the backend for
PostgreSQL.  Results go to stdout; bench/RESULTS.md records them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTENSION = REPO / "build" / "vigil"

VIDEOS = 10_000
DETECTIONS = 1_000_000
ORPHANS = 1_000
PROJECTS = 100

SCHEMA_SQLITE = """
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects (id),
                     path TEXT NOT NULL UNIQUE, fps REAL NOT NULL CHECK (fps > 0));
CREATE TABLE detections (id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos (id),
                         frame INTEGER NOT NULL CHECK (frame >= 0), label TEXT NOT NULL,
                         confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1));
CREATE INDEX detections_video ON detections (video_id);
CREATE TABLE bad_refs (id INTEGER PRIMARY KEY, video_id INTEGER REFERENCES videos (id));
"""

SCHEMA_POSTGRES = """
CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE videos (id integer PRIMARY KEY, project_id integer NOT NULL REFERENCES projects (id),
                     path text NOT NULL UNIQUE, fps double precision NOT NULL CHECK (fps > 0));
CREATE TABLE detections (id integer PRIMARY KEY, video_id integer NOT NULL REFERENCES videos (id),
                         frame integer NOT NULL CHECK (frame >= 0), label text NOT NULL,
                         confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1));
CREATE INDEX detections_video ON detections (video_id);
CREATE TABLE bad_refs (id integer PRIMARY KEY, video_id integer REFERENCES videos (id));
"""

# The same rows in both engines; detections of ids > DETECTIONS - ORPHANS point at videos
# that do not exist.  bad_refs (loaded only for the memory figure) is 1M orphans.
DATA_SQLITE = f"""
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {PROJECTS})
INSERT INTO projects SELECT n, 'project ' || n FROM g;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {VIDEOS})
INSERT INTO videos SELECT n, 1 + n % {PROJECTS}, '/data/videos/v' || n || '.mp4',
                          CASE n % 2 WHEN 0 THEN 30.0 ELSE 25.0 END FROM g;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {DETECTIONS})
INSERT INTO detections
SELECT n, CASE WHEN n > {DETECTIONS - ORPHANS} THEN {VIDEOS} + n ELSE 1 + n % {VIDEOS} END,
       n % 9000, CASE n % 4 WHEN 0 THEN 'car' WHEN 1 THEN 'person' WHEN 2 THEN 'truck' ELSE 'cyclist' END,
       (n * 37 % 100) / 100.0 FROM g;
"""
DATA_POSTGRES = f"""
INSERT INTO projects SELECT n, 'project ' || n FROM generate_series(1, {PROJECTS}) n;
INSERT INTO videos SELECT n, 1 + n % {PROJECTS}, '/data/videos/v' || n || '.mp4',
                          CASE n % 2 WHEN 0 THEN 30.0 ELSE 25.0 END
FROM generate_series(1, {VIDEOS}) n;
SET session_replication_role = replica;
INSERT INTO detections
SELECT n, CASE WHEN n > {DETECTIONS - ORPHANS} THEN {VIDEOS} + n ELSE 1 + n % {VIDEOS} END,
       n % 9000, CASE n % 4 WHEN 0 THEN 'car' WHEN 1 THEN 'person' WHEN 2 THEN 'truck' ELSE 'cyclist' END,
       (n * 37 % 100) / 100.0 FROM generate_series(1, {DETECTIONS}) n;
RESET session_replication_role;
"""
BAD_SQLITE = f"""
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {DETECTIONS})
INSERT INTO bad_refs SELECT n, {VIDEOS} + n FROM g;
"""
BAD_POSTGRES = f"""
SET session_replication_role = replica;
INSERT INTO bad_refs SELECT n, {VIDEOS} + n FROM generate_series(1, {DETECTIONS}) n;
RESET session_replication_role;
"""

# What a user would write by hand for the checks vigil_check() runs on this schema (each
# query does the same work as vigil's probe: NULL tests SQLite cannot fold away, one scan per
# table for NOT NULL and for CHECK, one anti-join per foreign key).
HAND_SQLITE = [
    "PRAGMA foreign_key_check",
    "SELECT count(*) FROM projects WHERE typeof(id) = 'null' OR typeof(name) = 'null'",
    "SELECT count(*) FROM videos WHERE typeof(id) = 'null' OR typeof(project_id) = 'null' "
    "OR typeof(path) = 'null' OR typeof(fps) = 'null'",
    "SELECT count(*) FROM detections WHERE typeof(id) = 'null' OR typeof(video_id) = 'null' "
    "OR typeof(frame) = 'null' OR typeof(label) = 'null' OR typeof(confidence) = 'null'",
    "SELECT count(*) FROM videos WHERE NOT (fps > 0)",
    "SELECT count(*) FROM detections WHERE NOT (frame >= 0) OR NOT (confidence BETWEEN 0 AND 1)",
    "SELECT count(*) FROM (SELECT name FROM projects GROUP BY name HAVING count(*) > 1)",
    "SELECT count(*) FROM (SELECT path FROM videos GROUP BY path HAVING count(*) > 1)",
    "SELECT count(*) FROM projects WHERE typeof(id) NOT IN ('null', 'integer') "
    "OR typeof(name) NOT IN ('null', 'integer', 'real', 'text')",
    "SELECT count(*) FROM videos WHERE typeof(id) NOT IN ('null', 'integer') "
    "OR typeof(project_id) NOT IN ('null', 'integer') "
    "OR typeof(path) NOT IN ('null', 'integer', 'real', 'text') "
    "OR typeof(fps) NOT IN ('null', 'integer', 'real')",
    "SELECT count(*) FROM detections WHERE typeof(id) NOT IN ('null', 'integer') "
    "OR typeof(video_id) NOT IN ('null', 'integer') OR typeof(frame) NOT IN ('null', 'integer') "
    "OR typeof(label) NOT IN ('null', 'integer', 'real', 'text') "
    "OR typeof(confidence) NOT IN ('null', 'integer', 'real')",
    "PRAGMA quick_check",
]
HAND_POSTGRES = [
    "SELECT count(*) FROM videos c WHERE c.project_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = c.project_id)",
    "SELECT count(*) FROM detections c WHERE c.video_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM videos p WHERE p.id = c.video_id)",
    "SELECT count(*) FROM projects WHERE id IS NULL OR name IS NULL",
    "SELECT count(*) FROM videos WHERE id IS NULL OR project_id IS NULL OR path IS NULL "
    "OR fps IS NULL",
    "SELECT count(*) FROM detections WHERE id IS NULL OR video_id IS NULL OR frame IS NULL "
    "OR label IS NULL OR confidence IS NULL",
    "SELECT count(*) FROM videos WHERE NOT (fps > 0)",
    "SELECT count(*) FROM detections WHERE NOT (frame >= 0) OR NOT (confidence BETWEEN 0 AND 1)",
]


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def side_by_side(label: str, vigil, hand, runs: int, cpu_pid: int) -> dict:
    """Wall time (median and best run) and the CPU time of the process that does the work
    (this one for SQLite, the backend for PostgreSQL), summed over the runs: CPU time is what
    other load on a shared machine disturbs least."""
    vigil()  # warm the caches (both sides read the same pages)
    hand()
    tv, th = [], []
    cv = ch = 0
    for _ in range(runs):
        c0 = cpu_ticks(cpu_pid)
        tv.append(median_time(vigil, 1))
        c1 = cpu_ticks(cpu_pid)
        th.append(median_time(hand, 1))
        c2 = cpu_ticks(cpu_pid)
        cv += c1 - c0
        ch += c2 - c1
    v, h = statistics.median(tv), statistics.median(th)
    hz = os.sysconf("SC_CLK_TCK")
    cpu = f"{cv / max(ch, 1):4.2f}x" if ch > 0 else "n/a"
    print(f"  {label}\n      wall: vigil {v * 1000:7.1f} ms, hand {h * 1000:7.1f} ms, ratio {v / h:4.2f}x;"
          f" best runs {min(tv) * 1000:6.1f} / {min(th) * 1000:6.1f} ms = {min(tv) / min(th):4.2f}x;"
          f" CPU over {runs} runs {cv * 1000 / hz:6.0f} / {ch * 1000 / hz:6.0f} ms = {cpu}")
    sys.stdout.flush()
    return {"label": label, "vigil_ms": v * 1000, "hand_ms": h * 1000, "ratio": v / h}


def rss_anon_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def peak_memory(pid: int, fn) -> tuple[float, float]:
    """(peak RssAnon above the value before the call, in MB; seconds)."""
    baseline = rss_anon_kb(pid)
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_anon_kb(pid))
            time.sleep(0.005)

    t = threading.Thread(target=sample)
    t.start()
    t0 = time.perf_counter()
    try:
        fn()
    finally:
        elapsed = time.perf_counter() - t0
        done.set()
        t.join()
    peak = max(peak, rss_anon_kb(pid))
    return (peak - baseline) / 1024.0, elapsed


def bench_sqlite(runs: int) -> None:
    print(f"SQLite {sqlite3.sqlite_version}")
    with tempfile.TemporaryDirectory() as tmp:
        con = sqlite3.connect(os.path.join(tmp, "bench.db"), isolation_level=None)
        con.enable_load_extension(True)
        con.load_extension(str(EXTENSION))
        con.enable_load_extension(False)
        t0 = time.perf_counter()
        con.executescript(SCHEMA_SQLITE)
        con.executescript("BEGIN;" + DATA_SQLITE + "COMMIT;")
        con.execute("ANALYZE")
        print(f"  loaded in {time.perf_counter() - t0:.1f} s")

        def fetch(sql: str):
            return lambda: con.execute(sql).fetchall()

        n_vigil = len(con.execute("SELECT * FROM vigil_check_rows('fk_orphan', 'detections')").fetchall())
        n_hand = len(con.execute("PRAGMA foreign_key_check(detections)").fetchall())
        assert n_vigil == n_hand == ORPHANS, (n_vigil, n_hand)
        side_by_side("vigil_check_rows('fk_orphan','detections') / PRAGMA foreign_key_check",
                     fetch("SELECT * FROM vigil_check_rows('fk_orphan', 'detections')"),
                     fetch("PRAGMA foreign_key_check(detections)"), runs, os.getpid())

        findings = con.execute("SELECT check_name, table_name, violations FROM vigil_check()").fetchall()
        print(f"  vigil_check() finds {findings}")

        def hand_all():
            for q in HAND_SQLITE:
                con.execute(q).fetchall()
        side_by_side("vigil_check() / the hand-written queries", fetch("SELECT * FROM vigil_check()"),
                     hand_all, runs, os.getpid())

        con.executescript("BEGIN;" + BAD_SQLITE + "COMMIT;")
        mb, secs = peak_memory(os.getpid(), lambda: con.execute(
            "SELECT count(*) FROM vigil_check_rows('fk_orphan', 'bad_refs')").fetchone())
        n = con.execute("SELECT count(*) FROM vigil_check_rows('fk_orphan', 'bad_refs')").fetchone()[0]
        print(f"  peak memory, vigil_check_rows over {n} offending rows: {mb:6.1f} MB above baseline ({secs:.2f} s)")
        mb, secs = peak_memory(os.getpid(), lambda: con.execute(
            "SELECT * FROM vigil_check('bad_refs')").fetchall())
        print(f"  peak memory, vigil_check('bad_refs') over the same rows:   {mb:6.1f} MB above baseline ({secs:.2f} s)")
        mb, secs = peak_memory(os.getpid(), lambda: len(con.execute(
            "SELECT * FROM vigil_check_rows('fk_orphan', 'bad_refs')").fetchall()))
        print(f"  (control: the same rows collected into a Python list: {mb:6.1f} MB)")
        con.close()


def bench_postgres(runs: int) -> None:
    import psycopg
    from psycopg import sql as pgsql

    admin = psycopg.connect("", autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS vigil_bench")
    admin.execute("CREATE DATABASE vigil_bench")
    try:
        con = psycopg.connect("", dbname="vigil_bench", autocommit=True)
        print(con.execute("SELECT version()").fetchone()[0].split(",")[0])
        t0 = time.perf_counter()
        con.execute("CREATE EXTENSION vigil")
        con.execute(SCHEMA_POSTGRES)
        con.execute(DATA_POSTGRES)
        con.execute("VACUUM ANALYZE")
        print(f"  loaded in {time.perf_counter() - t0:.1f} s")

        # prepare=False: psycopg would otherwise prepare a statement run 5 times, and a
        # prepared plan keeps the parallel settings it was planned under.
        def fetch(sql: str):
            return lambda: con.execute(sql, prepare=False).fetchall()

        hand_fk = ("SELECT c.id FROM detections c WHERE c.video_id IS NOT NULL "
                   "AND NOT EXISTS (SELECT 1 FROM videos p WHERE p.id = c.video_id)")
        n_vigil = len(con.execute("SELECT * FROM vigil_check_rows('fk_orphan', 'detections')").fetchall())
        n_hand = len(con.execute(hand_fk).fetchall())
        assert n_vigil == n_hand == ORPHANS, (n_vigil, n_hand)

        def hand_all():
            for q in HAND_POSTGRES:
                con.execute(q, prepare=False).fetchall()
        backend = con.execute("SELECT pg_backend_pid()").fetchone()[0]

        for workers in ("default", "0"):
            if workers == "0":
                con.execute("SET max_parallel_workers_per_gather = 0")
                print("  -- without parallel query (max_parallel_workers_per_gather = 0):")
            else:
                print("  -- default settings (the hand-written queries may run in parallel):")
            side_by_side("vigil_check_rows('fk_orphan','detections') / NOT EXISTS",
                         fetch("SELECT * FROM vigil_check_rows('fk_orphan', 'detections')"),
                         fetch(hand_fk), runs, backend)
            side_by_side("vigil_check() / the hand-written queries",
                         fetch("SELECT * FROM vigil_check()"), hand_all, runs, backend)
        con.execute("RESET max_parallel_workers_per_gather")
        findings = con.execute("SELECT check_name, table_name, violations FROM vigil_check()").fetchall()
        print(f"  vigil_check() finds {findings}")

        con.execute(BAD_POSTGRES)
        con.execute("VACUUM ANALYZE bad_refs")
        con.close()
        # A fresh backend, so that the baseline is not memory an earlier query left behind.
        con = psycopg.connect("", dbname="vigil_bench", autocommit=True)
        con.execute("SELECT vigil_version()").fetchone()  # loads the library
        pid = con.execute("SELECT pg_backend_pid()").fetchone()[0]
        try:
            mb, secs = peak_memory(pid, lambda: con.execute(
                "SELECT count(*) FROM vigil_check_rows('fk_orphan', 'bad_refs')").fetchone())
            n = con.execute("SELECT count(*) FROM vigil_check_rows('fk_orphan', 'bad_refs')").fetchone()[0]
            print(f"  peak memory of the backend, vigil_check_rows over {n} offending rows: "
                  f"{mb:6.1f} MB above baseline ({secs:.2f} s)")
            mb, secs = peak_memory(pid, lambda: con.execute(
                "SELECT * FROM vigil_check('bad_refs')").fetchall())
            print(f"  peak memory of the backend, vigil_check('bad_refs') over the same rows: "
                  f"{mb:6.1f} MB above baseline ({secs:.2f} s)")
            mb, secs = peak_memory(pid, lambda: con.execute(
                "SELECT array_length(array_agg(video_id), 1) FROM bad_refs").fetchone())
            print(f"  (control: array_agg() of the same 1M values in the backend: {mb:6.1f} MB)")
        except PermissionError:
            print("  (memory: /proc of the backend is not readable; run as root or the server's user)")
        con.close()
    finally:
        admin.execute(pgsql.SQL("DROP DATABASE IF EXISTS vigil_bench WITH (FORCE)"))
        admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    print(f"integrity benchmark: {VIDEOS} videos, {DETECTIONS} detections, {ORPHANS} orphans; "
          f"median of {args.runs} runs; {platform.node()}, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.1f}")
    if not args.skip_sqlite:
        bench_sqlite(args.runs)
    if not args.skip_postgres:
        bench_postgres(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
