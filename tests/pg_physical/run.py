#!/usr/bin/python3
"""PostgreSQL integrity checks that need more than pg_regress can do:

  - vigil_repair(false) rebuilds a B-tree that amcheck finds out of order (REINDEX INDEX);
  - pg_cancel_backend() from another session stops vigil_check_rows() / vigil_check() /
    vigil_table_checksum() / vigil_checksum_segments() / vigil_table_stats() inside the core's
    loop with 57014 (query_canceled), and the cancelled session goes on working.  The call is
    held at a named point of the loop by the test setting vigil.debug_wait_point (superuser),
    so no timing decides whether the cancel arrives in time;
  - real heap corruption found by amcheck's verify_heapam(): a throw-away cluster is stopped,
    bytes of a table's heap file are overwritten (a line pointer and a tuple header), the
    cluster restarted, and vigil_check() / vigil_check_rows('physical', ...) must report the
    damaged tuples at their ctids -- while the rest of the database is checked normally.

    /usr/bin/python3 tests/pg_physical/run.py

The cancellation test uses the cluster of the libpq environment (PGHOST, PGPORT, PGUSER:
`scripts/pg-cluster.sh start`); the corruption test starts its own cluster on
VIGIL_PG_PHYSICAL_PORT (default PGPORT + 20) and removes it.  The last line is
"N passed, N failed".
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import psycopg
from psycopg import errors

REPO = Path(__file__).resolve().parent.parent.parent
DB = f"vigil_phys_{os.getpid()}"
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def connect(dbname: str = DB, **kw) -> psycopg.Connection:
    return psycopg.connect(dbname=dbname, autocommit=True, **kw)


# A safety limit only: it turns a hang into a failure with a message, and never decides the
# outcome of a test that works (the waits below end on a condition, not after a time).
HANG_LIMIT_S = 300


def wait_until(what: str, condition) -> None:
    """Polls condition() until it is true; fails (with `what`) only after HANG_LIMIT_S."""
    limit = time.monotonic() + HANG_LIMIT_S
    while not condition():
        if time.monotonic() > limit:
            raise AssertionError(f"still waiting after {HANG_LIMIT_S} s: {what}")
        time.sleep(0.01)


def cancel_while_running(sql: str, wait_point: str) -> None:
    """Runs sql in one session with vigil.debug_wait_point = wait_point, so that the call stops
    inside the core's loop at that point and waits there until it is cancelled; once another
    session sees it waiting there (pg_stat_activity: wait_event 'Extension'), cancels it and
    checks 57014.  No time decides anything: however fast the call would have been, it cannot
    finish before the cancel (pg_extension/debug_wait.hpp)."""
    with connect() as victim, connect() as killer:
        pid = victim.info.backend_pid
        victim.execute("SELECT set_config('vigil.debug_wait_point', %s, false)", (wait_point,))
        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                victim.execute(sql).fetchall()
                outcome["result"] = "finished"
            except Exception as e:  # noqa: BLE001 -- the test inspects it
                outcome["error"] = e

        thread = threading.Thread(target=run)
        thread.start()

        def waiting() -> bool:
            if not thread.is_alive():
                return True  # finished or failed without waiting: reported below
            row = killer.execute(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s",
                (pid,)).fetchone()
            return row == ("active", "Extension", "Extension")

        wait_until(f"{sql} to reach the wait point {wait_point}", waiting)
        check(thread.is_alive(), f"{sql}: ended without reaching {wait_point}: {outcome}")
        cancelled = killer.execute("SELECT pg_cancel_backend(%s)", (pid,)).fetchone()[0]
        wait_until(f"{sql} to end after the cancel", lambda: not thread.is_alive())
        thread.join()
        check(cancelled, f"{sql}: pg_cancel_backend({pid}) returned false")
        err = outcome.get("error")
        check(isinstance(err, errors.QueryCanceled),
              f"{sql}: expected 57014 query_canceled, got {outcome}")
        check(err.sqlstate == "57014", f"sqlstate {err.sqlstate}")
        check(victim.execute("SELECT 1").fetchone()[0] == 1, "session unusable after cancel")
        victim.execute("RESET vigil.debug_wait_point")
        # and vigil itself still works in that session
        n = victim.execute("SELECT count(*) FROM vigil_check('parents') "
                           "WHERE severity <> 'info'").fetchone()[0]
        check(n == 0, f"vigil_check after cancel: {n}")


@test
def cancel_backend_stops_long_checks():
    with connect() as con:
        con.execute("CREATE TABLE parents (id integer PRIMARY KEY)")
        con.execute("CREATE TABLE children (id integer PRIMARY KEY, parent_id integer "
                    "REFERENCES parents (id))")
        con.execute("ALTER TABLE children DISABLE TRIGGER ALL")
        con.execute("INSERT INTO children SELECT g, g FROM generate_series(1, 100000) g")
        con.execute("ALTER TABLE children ENABLE TRIGGER ALL")
    # the count of the rows pulls every orphan through the core's cursor; vigil_check()
    # runs the anti-join and then the sampling; both are held in the core's loop over the
    # orphans (check_scan), the checksum in its loop over the rows (checksum_scan)
    cancel_while_running("SELECT count(*) FROM vigil_check_rows('fk_orphan', 'children')",
                         "check_scan")
    cancel_while_running("SELECT * FROM vigil_check('children')", "check_scan")
    cancel_while_running("SELECT * FROM vigil_table_checksum('children')", "checksum_scan")
    cancel_while_running("SELECT * FROM vigil_checksum_segments('children', 4)", "checksum_scan")
    cancel_while_running("SELECT * FROM vigil_table_stats('children')", "table_stats")


@test
def repair_reindexes_a_damaged_btree():
    """amcheck's bt_index_check finds a B-tree whose order no longer agrees with its operator
    class; vigil_repair(false) rebuilds it with REINDEX INDEX and the finding goes away."""
    db = f"{DB}_reindex"
    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db}"')
    try:
        with connect(db) as con:
            con.execute("CREATE EXTENSION vigil")
            con.execute("CREATE EXTENSION amcheck")
            con.execute("""CREATE FUNCTION cmp_int(integer, integer) RETURNS integer IMMUTABLE
                LANGUAGE sql AS 'SELECT CASE WHEN $1 < $2 THEN -1 WHEN $1 > $2 THEN 1 ELSE 0 END'""")
            con.execute("""CREATE OPERATOR CLASS int_ops_vigil_test FOR TYPE integer USING btree AS
                OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
                FUNCTION 1 cmp_int(integer, integer)""")
            con.execute("CREATE TABLE scores (id integer PRIMARY KEY, s integer)")
            con.execute("INSERT INTO scores SELECT g, g FROM generate_series(1, 2000) g")
            con.execute("CREATE INDEX scores_s ON scores (s int_ops_vigil_test)")
            con.execute("""CREATE OR REPLACE FUNCTION cmp_int(integer, integer) RETURNS integer
                IMMUTABLE LANGUAGE sql
                AS 'SELECT CASE WHEN $1 < $2 THEN 1 WHEN $1 > $2 THEN -1 ELSE 0 END'""")
        with connect(db) as con:  # a new session: no cached comparator
            found = con.execute("SELECT check_name, detail FROM vigil_check('scores')").fetchall()
            check(len(found) == 1 and found[0][0] == "physical" and "scores_s" in found[0][1],
                  f"findings before the repair: {found}")
            plan = con.execute("SELECT action, table_name, detail FROM vigil_repair()").fetchall()
            check([p[:2] for p in plan] == [("reindex", "scores")], f"plan {plan}")
            check("REINDEX INDEX scores_s" in plan[0][2], f"plan {plan}")
            done = con.execute("SELECT action, rows_affected, batch FROM vigil_repair(false)"
                               ).fetchall()
            check([d[0] for d in done] == ["reindex"], f"repair {done}")
            check(done[0][2] is None, f"a REINDEX quarantines nothing, batch {done[0][2]}")
        with connect(db) as con:
            left = con.execute("SELECT check_name, detail FROM vigil_check('scores')").fetchall()
            check(left == [], f"findings after the repair: {left}")
            n = con.execute("SELECT count(*) FROM scores").fetchone()[0]
            check(n == 2000, f"rows {n}")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


# --- heap corruption --------------------------------------------------------------------------

def run(*cmd: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)}: {done.stdout}{done.stderr}")
    return done.stdout


def pg_ctl(data: Path, action: str) -> None:
    bindir = run("pg_config", "--bindir").strip()
    cmd = [f"{bindir}/pg_ctl", "-D", str(data), "-w", "-l", str(data.parent / "server.log")]
    if action == "stop":
        cmd += ["-m", "fast"]
    cmd.append(action)
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    run(*cmd)


def corrupt(path: Path) -> None:
    """Damages block 0 of a heap file: tuple 2's line pointer points past the page end (not
    aligned), tuple 3's xmin is a transaction id from the far future."""
    with open(path, "r+b") as f:
        page = bytearray(f.read(8192))
        lp = lambda n: 24 + 4 * (n - 1)  # noqa: E731 -- ItemIdData n, 1-based
        word2 = struct.unpack_from("<I", page, lp(2))[0]
        length2 = word2 >> 17
        struct.pack_into("<I", page, lp(2), (length2 << 17) | (1 << 15) | 8191)
        word3 = struct.unpack_from("<I", page, lp(3))[0]
        off3 = word3 & 0x7FFF
        struct.pack_into("<I", page, off3, 4000000000)  # t_xmin
        f.seek(0)
        f.write(page)


@test
def verify_heapam_finds_real_corruption():
    port = os.environ.get("VIGIL_PG_PHYSICAL_PORT", str(int(os.environ["PGPORT"]) + 20))
    env = dict(os.environ, VIGIL_PG_PORT=port)
    cluster = REPO / "scripts" / "pg-cluster.sh"
    run(str(cluster), "start", env=env)
    try:
        host = f"/tmp/vigil-pg-{port}"
        data = Path(host) / "data"
        kw = dict(host=host, port=port, user="postgres")
        with psycopg.connect(dbname="postgres", autocommit=True, **kw) as con:
            con.execute("CREATE EXTENSION vigil")
            con.execute("CREATE EXTENSION amcheck")
            con.execute("CREATE TABLE frames (id integer PRIMARY KEY, label text)")
            con.execute("CREATE TABLE intact (id integer PRIMARY KEY, label text)")
            for t in ("frames", "intact"):
                con.execute(f"INSERT INTO {t} SELECT g, 'frame ' || g FROM generate_series(1, 50) g")
            before = con.execute("SELECT count(*) FROM vigil_check() WHERE check_name = "
                                 "'physical'").fetchone()[0]
            check(before == 0, f"physical findings before the damage: {before}")
            relpath = con.execute("SELECT pg_relation_filepath('frames')").fetchone()[0]
            con.execute("CHECKPOINT")
        pg_ctl(data, "stop")
        corrupt(data / relpath)
        pg_ctl(data, "start")
        with psycopg.connect(dbname="postgres", autocommit=True, **kw) as con:
            findings = con.execute(
                "SELECT check_name, severity, table_name, violations, sample_keys::text "
                "FROM vigil_check() WHERE check_name = 'physical' ORDER BY table_name").fetchall()
            check(len(findings) == 1, f"physical findings: {findings}")
            name, severity, table, violations, sample = findings[0]
            check((name, severity, table) == ("physical", "error", "frames"), f"{findings}")
            check(violations >= 2, f"violations {violations}")
            check('"(0,2)"' in sample and '"(0,3)"' in sample, f"sample keys {sample}")
            rows = con.execute("SELECT row_key::text, detail FROM "
                               "vigil_check_rows('physical', 'frames')").fetchall()
            keys = [r[0] for r in rows]
            check('{"ctid": "(0,2)"}' in keys and '{"ctid": "(0,3)"}' in keys, f"rows {rows}")
            details = " | ".join(r[1] for r in rows)
            check("line pointer" in details, f"details {details}")
            check("xmin 4000000000" in details, f"details {details}")
            check(len(rows) == violations, f"{len(rows)} rows, {violations} violations")
            n = con.execute("SELECT count(*) FROM vigil_check('intact')").fetchone()[0]
            check(n == 0, f"the intact table has {n} findings")
            # vigil_repair runs the complete check (heapallindexed), which reads the damaged
            # tuples' transaction status: PostgreSQL may end it with its own error there.
            # Either way: a plan of `none` (restore a backup) or a clean error, nothing changed.
            try:
                plan = con.execute("SELECT action, table_name, detail FROM vigil_repair() "
                                   "WHERE table_name = 'frames'").fetchall()
                check([p[:2] for p in plan] == [("none", "frames")] and "backup" in plan[0][2],
                      f"damaged heap: the plan is to do nothing but say so: {plan}")
            except psycopg.Error as e:
                check(e.sqlstate not in (None, "XX000"), f"vigil_repair: {e.sqlstate} {e}")
                print(f"    vigil_repair on the damaged heap: {e.sqlstate} {e.diag.message_primary}")
            check(con.execute("SELECT count(*) FROM intact").fetchone()[0] == 50, "intact rows")
            print(f"    verify_heapam: {violations} damaged tuples reported: {details[:160]}")
    finally:
        run(str(cluster), "stop", env=env)


def main() -> int:
    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        admin.execute(f'CREATE DATABASE "{DB}"')
    with connect() as con:
        con.execute("CREATE EXTENSION vigil")
    passed = failed = 0
    try:
        for fn in TESTS:
            try:
                fn()
                print(f"ok   {fn.__name__}")
                passed += 1
            except Exception:  # noqa: BLE001 -- report every failure and go on
                print(f"FAIL {fn.__name__}")
                traceback.print_exc()
                failed += 1
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
