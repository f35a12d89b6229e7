#!/usr/bin/python3
"""Monitoring tests that need more than one session or a real parser:

  - vigil_metrics() of both engines parsed by the Prometheus client's own parser
    (Debian python3-prometheus-client), label escaping checked by a round trip;
  - NOTIFY vigil_alerts received by another session, its JSON payload parsed;
  - health thresholds crossed by other sessions: many connections, a long-running query,
    a session idle in a transaction;
  - a cluster started WITHOUT shared_preload_libraries = 'vigil': the query statistics
    functions say what is missing.

    /usr/bin/python3 tests/monitoring/run.py

PostgreSQL is reached through the libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE) of a
cluster started with `scripts/pg-cluster.sh start --preload`; the test without preload starts
its own throw-away cluster on VIGIL_PG_SECOND_PORT (default: PGPORT + 10).  The last line is
"N passed, N failed".
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import psycopg
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parent.parent.parent
SQLITE_EXTENSION = REPO / "build" / "vigil"
DB = f"vigil_mon_{os.getpid()}"

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def connect(dbname: str = DB, **kw) -> psycopg.Connection:
    return psycopg.connect(dbname=dbname, autocommit=True, **kw)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


# A safety limit only: it turns a hang into a failure with a message.  No wait below ends after
# a time and then asserts: each polls its condition until it holds.
HANG_LIMIT_S = 300


def wait_until(what: str, condition) -> None:
    """Polls condition() until it is true; fails (with `what`) only after HANG_LIMIT_S."""
    limit = time.monotonic() + HANG_LIMIT_S
    while not condition():
        if time.monotonic() > limit:
            raise AssertionError(f"still waiting after {HANG_LIMIT_S} s: {what}")
        time.sleep(0.02)


SENTINEL = "vigil_test_sentinel"


def notifications_until_now(listener: psycopg.Connection, sender: psycopg.Connection,
                            received: list) -> list:
    """Every notification committed before this call, delivered to `listener`: `sender` sends a
    sentinel on a channel the listener also listens to, and the listener reads until it has it.
    Notifications reach a listener in commit order, so nothing sent before the sentinel can
    still be on its way.  Returns the notifications received, without the sentinel."""
    sender.execute(f"NOTIFY {SENTINEL}")

    def sentinel_seen() -> bool:
        listener.execute("SELECT 1")  # reading from the server delivers the notifications
        return any(n.channel == SENTINEL for n in received)

    wait_until("the sentinel notification", sentinel_seen)
    got = [n for n in received if n.channel != SENTINEL]
    received.clear()
    return got


def families(text: str) -> dict[str, object]:
    return {f.name: f for f in text_string_to_metric_families(text)}


def check_metrics(text: str, engine: str) -> dict[str, object]:
    fams = families(text)
    for name, kind in [("vigil_health_score", "gauge"), ("vigil_health_overall", "gauge"),
                       ("vigil_health_value", "gauge"), ("vigil_health_status", "gauge"),
                       ("vigil_alerts_open", "gauge"), ("vigil_table_rows", "gauge"),
                       ("vigil_table_bytes", "gauge"), ("vigil_query_calls", "counter"),
                       ("vigil_query_rows", "counter"), ("vigil_query_seconds", "counter")]:
        check(name in fams, f"{engine}: family {name} missing from {sorted(fams)}")
        check(fams[name].type == kind, f"{engine}: {name} is {fams[name].type}, not {kind}")
        check(fams[name].documentation, f"{engine}: {name} has no HELP")
    score = fams["vigil_health_score"].samples[0].value
    check(0 <= score <= 100, f"{engine}: score {score}")
    overall = {s.labels["status"]: s.value for s in fams["vigil_health_overall"].samples}
    check(sorted(overall.values()) == [0, 0, 0, 1], f"{engine}: overall {overall}")
    for s in fams["vigil_query_calls"].samples:
        check(s.name == "vigil_query_calls_total", f"{engine}: sample {s.name}")
        check(len(s.labels["fingerprint"]) == 16, f"{engine}: labels {s.labels}")
    return fams


def setup_sqlite() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(str(SQLITE_EXTENSION))
    con.enable_load_extension(False)
    return con


WEIRD = 'we"ird\\name\nline'  # a table name with a quote, a backslash and a newline


@test
def metrics_parse_postgres():
    with connect() as con:
        con.execute('CREATE TABLE videos (id int PRIMARY KEY, path text)')
        con.execute(f'CREATE TABLE "{WEIRD.replace(chr(34), chr(34) * 2)}" (id int)')
        con.execute("INSERT INTO videos SELECT g, 'p' || g FROM generate_series(1, 25) g")
        for i in range(5):
            con.execute("SELECT path FROM videos WHERE id = %s", (i,))
        text = con.execute("SELECT vigil_metrics()").fetchone()[0]
    fams = check_metrics(text, "postgres")
    rows = {s.labels["table"]: s.value for s in fams["vigil_table_rows"].samples}
    check(rows.get("videos") == 25, f"rows {rows}")
    check(rows.get(WEIRD) == 0, f"the escaped table name does not round-trip: {rows}")
    calls = {s.labels["query"]: s.value for s in fams["vigil_query_calls"].samples}
    check(calls.get("select path from videos where id = ?") == 5, f"calls {calls}")
    check("vigil_table_seq_scans" in fams and fams["vigil_table_seq_scans"].type == "counter",
          "seq scans counter missing")
    check("vigil_query_errors" in fams, "errors counter missing")


@test
def metrics_parse_sqlite():
    con = setup_sqlite()
    con.execute("CREATE TABLE videos (id INTEGER PRIMARY KEY, path TEXT)")
    con.execute(f'CREATE TABLE "{WEIRD.replace(chr(34), chr(34) * 2)}" (id INTEGER)')
    con.executemany("INSERT INTO videos VALUES (?, ?)", [(i, f"p{i}") for i in range(25)])
    for i in range(5):
        con.execute("SELECT path FROM videos WHERE id = ?", (i,)).fetchall()
    text = con.execute("SELECT vigil_metrics()").fetchone()[0]
    fams = check_metrics(text, "sqlite")
    rows = {s.labels["table"]: s.value for s in fams["vigil_table_rows"].samples}
    check(rows == {"videos": 25, WEIRD: 0}, f"rows {rows}")
    calls = {s.labels["query"]: s.value for s in fams["vigil_query_calls"].samples}
    check(calls.get("select path from videos where id = ?") == 5, f"calls {calls}")
    check("vigil_query_errors" not in fams, "SQLite does not count errors")
    # without the table statistics
    fams = families(con.execute("SELECT vigil_metrics(0)").fetchone()[0])
    check("vigil_table_rows" not in fams, "with_tables = false still has table rows")


@test
def notify_on_alert():
    with connect() as listener, connect() as worker:
        listener.execute("LISTEN vigil_alerts")
        listener.execute(f"LISTEN {SENTINEL}")
        received = []
        listener.add_notify_handler(received.append)
        worker.execute("SET vigil.connections_warning_pct = 0")
        rows = worker.execute(
            "SELECT metric, alert FROM vigil_snapshot() WHERE alert = 'raised'").fetchall()
        check(("connections_pct", "raised") in rows, f"snapshot {rows}")
        received[:] = notifications_until_now(listener, worker, received)
        check(all(n.channel == "vigil_alerts" for n in received), str(received))
        check(len(received) == len(rows), f"{len(rows)} alerts raised, notified {received}")
        payloads = [json.loads(n.payload) for n in received]
        conn = [p for p in payloads if p["metric"] == "connections_pct"]
        check(len(conn) == 1, f"payloads {payloads}")
        p = conn[0]
        check(set(p) == {"id", "severity", "metric", "message", "value", "threshold",
                         "raised_at"}, f"keys {sorted(p)}")
        check(p["severity"] == "warning" and p["threshold"] == 0 and p["value"] > 0, str(p))
        alert_id = worker.execute(
            "SELECT id FROM vigil_alerts WHERE metric = 'connections_pct' AND resolved_at IS NULL"
        ).fetchone()[0]
        check(p["id"] == alert_id, f"{p['id']} != {alert_id}")
        # resolving sends nothing
        worker.execute("RESET vigil.connections_warning_pct")
        received.clear()
        worker.execute("SELECT * FROM vigil_snapshot()")
        after = notifications_until_now(listener, worker, received)
        check(not [n for n in after if "connections_pct" in n.payload],
              f"resolving notified {after}")


def health(con: psycopg.Connection, metric: str) -> tuple:
    return con.execute("SELECT value, threshold, status, message FROM vigil_health() "
                       "WHERE metric = %s", (metric,)).fetchone()


@test
def many_connections():
    with connect() as con:
        max_connections = int(con.execute("SHOW max_connections").fetchone()[0])
        value, threshold, status, _ = health(con, "connections_pct")
        check(status == "ok", f"before: {value} {status}")
        # Enough client connections to pass 80 % of max_connections with the default threshold.
        extra = int(max_connections * 0.8) + 2 - 1
        others = [connect() for _ in range(extra)]
        try:
            value, threshold, status, message = health(con, "connections_pct")
            check(threshold == 80, f"threshold {threshold}")
            check(status == "warning" and value > 80, f"{value} {status} {message}")
            check(f"{extra + 1} of {max_connections}" in message, message)
            check(health(con, "overall")[2] in ("good", "degraded"), "overall")
        finally:
            for o in others:
                o.close()
        # a closed connection's backend exits after the client has gone: wait for that
        wait_until("connections_pct back to ok after closing the connections",
                   lambda: health(con, "connections_pct")[2] == "ok")


@test
def long_running_and_idle_in_transaction():
    with connect() as con, connect() as holder, connect() as sleeper, connect() as idle:
        con.execute("SET vigil.long_query_seconds = 1")
        con.execute("SET vigil.idle_in_transaction_seconds = 1")
        check(health(con, "long_running_seconds")[2] == "ok", "long running before")
        # The long query waits for an advisory lock that `holder` keeps until the test lets it
        # go: it runs for as long as the test needs, not for a guessed time.
        holder.execute("SELECT pg_advisory_lock(4242)")
        t = threading.Thread(target=lambda: sleeper.execute("SELECT pg_advisory_lock(4242)"))
        t.start()
        idle.autocommit = False
        idle.execute("SELECT 1")  # opens a transaction and leaves it idle
        # Both past 1.5 s by the server's clock (the one vigil_health reads): polled.
        wait_until("a query running and a transaction idle for 1.5 s", lambda: con.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE (pid = %s AND state = 'active' "
            "AND wait_event_type = 'Lock' AND clock_timestamp() - query_start > "
            "interval '1.5 s') OR (pid = %s AND state = 'idle in transaction' "
            "AND clock_timestamp() - state_change > interval '1.5 s')",
            (sleeper.info.backend_pid, idle.info.backend_pid)).fetchone()[0] == 2)
        value, threshold, status, message = health(con, "long_running_seconds")
        check(status == "warning" and value >= 1.5 and threshold == 1, f"{value} {status}")
        check(message.endswith("(1 queries running longer than the threshold)"), message)
        value, _, status, message = health(con, "idle_in_transaction_seconds")
        check(status == "warning" and value >= 1.5, f"{value} {status} {message}")
        idle.rollback()
        holder.execute("SELECT pg_advisory_unlock(4242)")
        t.join()  # the query has returned: its backend is idle
        check(health(con, "long_running_seconds")[2] == "ok", "long running after")
        check(health(con, "idle_in_transaction_seconds")[2] == "ok", "idle after")


@test
def without_preload():
    port = int(os.environ.get("VIGIL_PG_SECOND_PORT", int(os.environ["PGPORT"]) + 10))
    env = dict(os.environ, VIGIL_PG_PORT=str(port), VIGIL_PG_DIR=f"/tmp/vigil-pg-{port}")
    cluster = str(REPO / "scripts" / "pg-cluster.sh")
    subprocess.run([cluster, "start"], env=env, check=True)
    try:
        with psycopg.connect(host=env["VIGIL_PG_DIR"], port=port, user="postgres",
                             dbname="postgres", autocommit=True) as con:
            con.execute("CREATE EXTENSION vigil")
            for sql in ("SELECT * FROM vigil_query_stats()", "SELECT vigil_query_stats_reset()"):
                try:
                    con.execute(sql)
                    raise AssertionError(f"{sql} did not fail")
                except psycopg.errors.ObjectNotInPrerequisiteState as e:
                    check(e.diag.message_primary ==
                          "vigil query statistics need shared_preload_libraries = 'vigil'",
                          e.diag.message_primary)
                    check("shared_preload_libraries" in e.diag.message_hint, e.diag.message_hint)
            row = con.execute("SELECT status, message FROM vigil_health() "
                              "WHERE metric = 'error_rate_pct'").fetchone()
            check(row[0] == "unknown" and "shared_preload_libraries" in row[1], str(row))
            # unknown is not healthy: never 'excellent', and the overall message names them
            overall = con.execute("SELECT status, message FROM vigil_health() "
                                  "WHERE metric = 'overall'").fetchone()
            check(overall[0] != "excellent" and
                  "not measured: error_rate_pct, mean_query_ms (2 of " in overall[1], str(overall))
            # the rest of vigil works
            check(con.execute("SELECT count(*) FROM vigil_health()").fetchone()[0] > 5, "health")
            families(con.execute("SELECT vigil_metrics()").fetchone()[0])
    finally:
        subprocess.run([cluster, "stop"], env=env, check=False)


def main() -> int:
    results: list[tuple[str, str | None]] = []
    with psycopg.connect(autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {DB}")
    try:
        with connect() as con:
            con.execute("CREATE EXTENSION vigil")
        for fn in TESTS:
            try:
                fn()
                results.append((fn.__name__, None))
                print(f"ok {fn.__name__}")
            except Exception:  # noqa: BLE001 - report every failure and go on
                results.append((fn.__name__, traceback.format_exc()))
                print(f"FAIL {fn.__name__}\n{traceback.format_exc()}")
    finally:
        with psycopg.connect(autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    passed = sum(1 for _, err in results if err is None)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
