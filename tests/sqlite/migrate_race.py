#!/usr/bin/python3
"""tests/sqlite/migrate_race.py -- two sqlite3 processes migrating one database file at once,
and the deploy-script recipe (sqlite3 -bail exits non-zero when a migration failed).

Run by tests/sqlite/run.sh from build/sqlite-tests (where `build` links to the build
directory); its output is compared with tests/sqlite/expected/migrate_race.out, so it prints
only facts that do not depend on timing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time

EXTENSION = "build/vigil"
MIGRATIONS = 12


def fresh(path: str, journal_mode: str) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"PRAGMA journal_mode = {journal_mode}")
    con.enable_load_extension(True)
    con.load_extension(EXTENSION)
    con.enable_load_extension(False)
    for i in range(1, MIGRATIONS + 1):
        # Each migration does some work, so that a run takes long enough for the second
        # process to arrive while the first one holds the lock.
        con.execute(
            "SELECT vigil_migration_add(?, ?, ?)",
            (str(i), f"step {i}",
             f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, v TEXT);"
             f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 60000) "
             f"INSERT INTO t{i} (v) SELECT hex(randomblob(16)) FROM g;"))
    con.close()


def sqlite3_cli(path: str, *sql: str, timeout_ms: int = 30000) -> subprocess.Popen:
    args = ["sqlite3", "-bail", "-cmd", f".timeout {timeout_ms}", path, f".load {EXTENSION}"]
    return subprocess.Popen(args + list(sql), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def ledger(path: str) -> tuple[int, int, int]:
    con = sqlite3.connect(path)
    applied_events = con.execute(
        "SELECT count(*), count(DISTINCT version) FROM vigil_migration_events "
        "WHERE action = 'apply'").fetchone()
    applied = con.execute(
        "SELECT count(*) FROM vigil_migrations WHERE state = 'applied'").fetchone()[0]
    con.close()
    return applied_events[0], applied_events[1], applied


def race_scalar(journal_mode: str) -> None:
    """The scalar form waits for the write lock (busy timeout): both processes succeed, and
    each migration is applied exactly once."""
    path = f"migrate_race.db-scalar-{journal_mode}"
    fresh(path, journal_mode)
    first = sqlite3_cli(path, "SELECT vigil_migrate();")
    time.sleep(0.05)
    second = sqlite3_cli(path, "SELECT vigil_migrate();")
    outputs = [p.communicate() for p in (first, second)]
    codes = [first.returncode, second.returncode]
    rows = [json.loads(out) if out.strip() else [] for out, _ in outputs]
    statuses = sorted(r["status"] for run in rows for r in run)
    events, distinct, applied = ledger(path)
    print(f"scalar form, {journal_mode}: exit codes {codes}, "
          f"stderr {[err.strip() for _, err in outputs]}")
    print(f"  rows returned {len(statuses)}, all applied: {set(statuses) == {'applied'}}; "
          f"one run applied everything: {sorted(len(r) for r in rows) == [0, MIGRATIONS]}")
    print(f"  apply events {events}, distinct versions {distinct}, applied rows {applied}")


def race_table(journal_mode: str) -> None:
    """The table form cannot wait for the write lock once its own statement reads: the second
    process either fails cleanly with nothing done, or (when its first read had to wait for
    the other's exclusive lock, which the busy handler does) finds nothing left to do.  Which
    one depends on timing; either way each migration is applied exactly once."""
    path = f"migrate_race.db-table-{journal_mode}"
    fresh(path, journal_mode)
    first = sqlite3_cli(path, "SELECT count(*) FROM vigil_migrate();")
    time.sleep(0.2)  # well inside the first run, which takes about a second
    second = sqlite3_cli(path, "SELECT count(*) FROM vigil_migrate();")
    (out1, err1), (out2, err2) = first.communicate(), second.communicate()
    events, distinct, applied = ledger(path)
    lock_error = "vigil_migrate: another connection is writing to the database, and this connection cannot wait for it"
    clean = (second.returncode == 0 and out2.strip() == "0") or (
        second.returncode != 0 and lock_error in err2 and out2.strip() == "")
    print(f"table form, {journal_mode}: first exit {first.returncode} rows {out1.strip()} "
          f"stderr {err1.strip()!r}; second waited or failed cleanly: {clean}")
    print(f"  apply events {events}, distinct versions {distinct}, applied rows {applied}")


def deploy_recipe() -> None:
    """sqlite3 -bail: vigil_migrate() records the failure and commits it, then
    vigil_migration_assert() raises, so the command exits non-zero."""
    path = "migrate_race.db-deploy"
    fresh(path, "delete")
    con = sqlite3.connect(path, isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(EXTENSION)
    con.execute("SELECT vigil_migration_add('13', 'broken', 'INSERT INTO nowhere VALUES (1);')")
    con.close()
    run = sqlite3_cli(path, "SELECT json_array_length(vigil_migrate());",
                      "SELECT vigil_migration_assert();")
    out, err = run.communicate()
    con = sqlite3.connect(path)
    state = con.execute("SELECT state, error FROM vigil_migrations WHERE version = '13'").fetchone()
    applied = con.execute("SELECT count(*) FROM vigil_migrations WHERE state = 'applied'").fetchone()
    con.close()
    print(f"deploy with a failing migration: exit {run.returncode}, stdout {out.split()}, "
          f"stderr {err.strip()!r}")
    print(f"  recorded: {state}, applied {applied[0]}")
    con = sqlite3.connect(path, isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(EXTENSION)
    con.execute("SELECT vigil_migration_add('13', 'fixed', 'CREATE TABLE somewhere (x INTEGER);')")
    con.close()
    run = sqlite3_cli(path, "SELECT json_array_length(vigil_migrate());",
                      "SELECT vigil_migration_assert();")
    out, err = run.communicate()
    print(f"deploy after the fix: exit {run.returncode}, stdout {out.split()}, stderr {err.strip()!r}")


def main() -> None:
    for mode in ("delete", "wal"):
        race_scalar(mode)
        race_table(mode)
    deploy_recipe()


if __name__ == "__main__":
    main()
