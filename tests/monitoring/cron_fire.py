#!/usr/bin/python3
"""pg_cron really runs the snapshot that vigil_monitor_start() schedules.

sql/monitor.sql checks what vigil_monitor_start() writes into cron.job; this test waits for
pg_cron to fire it.  pg_cron 1.4 (Debian 12) schedules whole minutes only, so the first run
can be up to a minute away: `make test` starts this script in the background right after the
build and collects its result at the end (`--wait` prints the log and the verdict), so the
wait costs no time.

Its own throw-away cluster (port PGPORT + 45, default 55477) is set up the way
docs/monitoring.md tells a user to:

    shared_preload_libraries = 'vigil,pg_cron'
    cron.database_name = 'app'
    cron.use_background_workers = on      # the cluster listens on a socket only

then, in database `app`: CREATE EXTENSION vigil, pg_cron; a database size limit that the
database is over (so the scheduled snapshot raises an alert); LISTEN vigil_alerts in a second
session; vigil_monitor_start(60).  Checked once the job has run:

  - pg_cron recorded a succeeded run of the job `vigil_snapshot`;
  - vigil_health_history holds that snapshot (an `overall` row among others), written by
    pg_cron's session, not ours;
  - vigil_alerts holds the open `database_size_mb` alert, and the listening session received
    its NOTIFY with a JSON payload naming the metric and the alert's id;
  - vigil_monitor_stop() removes the job.

    /usr/bin/python3 tests/monitoring/cron_fire.py            # run and wait (about 1-2 min)
    /usr/bin/python3 tests/monitoring/cron_fire.py --background LOG   # start, return at once
    /usr/bin/python3 tests/monitoring/cron_fire.py --wait LOG         # collect the result

The last line is "N passed, N failed"; the exit status is 0 when all pass.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
PORT = int(os.environ.get("PGPORT", "55432")) + 45
CLUSTER_ENV = dict(
    os.environ,
    VIGIL_PG_PORT=str(PORT),
    VIGIL_PG_CONF="cron.database_name = 'app'\ncron.use_background_workers = on\n"
    "max_worker_processes = 16",
)
SOCKET_DIR = f"/tmp/vigil-pg-{PORT}"
# pg_cron wakes up at the start of every minute.  Every wait below polls its condition; this is
# only the safety limit that turns a hang into a failure (generous, for a loaded machine).
FIRE_TIMEOUT_S = 300

passed = 0
failed = 0


def result(ok: bool, name: str, detail: str = "") -> None:
    global passed, failed
    if ok:
        passed += 1
        print(f"ok {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name}" + (f"\n    {detail}" if detail else ""), flush=True)


def cluster(*args: str) -> None:
    subprocess.run([str(REPO / "scripts" / "pg-cluster.sh"), *args], env=CLUSTER_ENV, check=True)


def run() -> int:
    import psycopg

    cluster("start", "--preload=vigil,pg_cron")
    try:
        conninfo = dict(host=SOCKET_DIR, port=PORT, user="postgres", autocommit=True)
        with psycopg.connect(dbname="postgres", **conninfo) as admin:
            admin.execute("CREATE DATABASE app")
        with psycopg.connect(dbname="app", **conninfo) as db, psycopg.connect(
            dbname="app", **conninfo
        ) as listener:
            db.execute("CREATE EXTENSION vigil")
            db.execute("CREATE EXTENSION pg_cron")
            db.execute("CREATE TABLE videos (id bigint PRIMARY KEY, title text NOT NULL)")
            db.execute("INSERT INTO videos SELECT g, 'v' || g FROM generate_series(1, 100) g")
            # An empty database is about 7 MB: a 1 MB limit is crossed, pg_cron's session reads
            # the setting from the database's defaults.
            db.execute("ALTER DATABASE app SET vigil.database_size_limit_mb = 1")
            listener.execute("LISTEN vigil_alerts")
            scheduled_at = time.monotonic()
            job = db.execute("SELECT vigil_monitor_start(60)").fetchone()[0]
            result(job is not None and job > 0, "vigil_monitor_start(60) returns pg_cron's job id")

            payloads: list[str] = []
            listener.add_notify_handler(lambda note: payloads.append(note.payload))
            while not payloads and time.monotonic() - scheduled_at < FIRE_TIMEOUT_S:
                select.select([listener.fileno()], [], [], 5)
                listener.execute("SELECT 1")  # reading from the server delivers notifications
            waited = time.monotonic() - scheduled_at
            result(len(payloads) == 1, f"NOTIFY vigil_alerts received from the scheduled run "
                   f"(after {waited:.0f} s)", "no notification within "
                   f"{FIRE_TIMEOUT_S} s; cron.job_run_details: "
                   + repr(db.execute("SELECT status, return_message FROM cron.job_run_details")
                          .fetchall()))
            # The run's own transaction commits before pg_cron records the outcome.
            runs = []
            deadline = time.monotonic() + FIRE_TIMEOUT_S  # a safety limit, as above
            while time.monotonic() < deadline:
                runs = db.execute(
                    "SELECT status, return_message, database, username, command"
                    " FROM cron.job_run_details WHERE jobid = %s AND status <> 'running'",
                    (job,)).fetchall()
                if runs:
                    break
                time.sleep(0.5)
            result(len(runs) >= 1 and runs[0][0] == "succeeded",
                   "pg_cron recorded a succeeded run of the job", repr(runs))
            if runs:
                result(runs[0][2] == "app" and "vigil_snapshot()" in runs[0][4],
                       "the job ran vigil_snapshot() in database app", repr(runs[0]))

            history = db.execute(
                "SELECT count(DISTINCT recorded_at), count(*) FILTER (WHERE metric = 'overall'),"
                " count(*) FROM vigil_health_history").fetchone()
            result(history[0] >= 1 and history[1] == history[0] and history[2] > history[0],
                   "vigil_health_history holds the scheduled snapshot (every metric + overall)",
                   repr(history))
            alerts = db.execute(
                "SELECT id, severity, metric FROM vigil_alerts WHERE resolved_at IS NULL"
                " AND metric = 'database_size_mb'").fetchall()
            result(len(alerts) == 1, "the snapshot raised the database_size_mb alert",
                   repr(alerts))
            if payloads and alerts:
                try:
                    body = json.loads(payloads[0])
                except ValueError as e:
                    body = {"error": str(e), "payload": payloads[0]}
                result(body.get("metric") == "database_size_mb" and body.get("id") == alerts[0][0]
                       and body.get("severity") == alerts[0][1],
                       "the NOTIFY payload is JSON naming the alert", repr(body))
            removed = db.execute("SELECT vigil_monitor_stop()").fetchone()[0]
            left = db.execute("SELECT count(*) FROM cron.job").fetchone()[0]
            result(removed == 1 and left == 0, "vigil_monitor_stop() removes the job",
                   f"removed {removed}, left {left}")
    except Exception as e:  # noqa: BLE001 - report, then fail
        result(False, "cron firing test ran to the end", f"{type(e).__name__}: {e}")
    finally:
        cluster("stop")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--background":
        log = open(argv[2], "w")
        proc = subprocess.Popen([sys.executable, __file__], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        Path(argv[2] + ".pid").write_text(str(proc.pid))
        return 0
    if len(argv) == 3 and argv[1] == "--wait":
        pid = int(Path(argv[2] + ".pid").read_text())
        deadline = time.monotonic() + FIRE_TIMEOUT_S + 120
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            try:  # our own child is reaped by its parent, which has exited: poll /proc
                if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                    break
            except OSError:
                break
            time.sleep(1)
        text = Path(argv[2]).read_text()
        print(text, end="")
        last = text.strip().splitlines()[-1] if text.strip() else ""
        return 0 if last.endswith(" 0 failed") and not last.startswith("0 passed") else 1
    return run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
