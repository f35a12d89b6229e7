"""The calls of the platform's database API, each over one or two of vigil's SQL functions.

Works with SQLAlchemy 1.4 (Debian 12's python3-sqlalchemy) and 2.x.  See
clients/python/README.md and docs/clients.md for every key of every result.
"""
import os
import re
import sysconfig
import threading

import sqlalchemy
from sqlalchemy import event, text

# Where the Debian package libsqlite3-mod-vigil installs the SQLite extension: the multiarch
# library directory, where the dynamic loader looks, so `.load vigil` finds it (as
# libsqlite3-mod-spatialite does with mod_spatialite.so).
_MULTIARCH = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
DEBIAN_EXTENSION_PATH = f"/usr/lib/{_MULTIARCH}/vigil.so"
EXTENSION_ENV = "VIGIL_SQLITE_EXTENSION"
URL_ENV = "VIGIL_DATABASE_URL"

_BACKUP_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")


class VigilError(Exception):
    """A call that the client itself refuses (bad arguments, no database configured)."""


class VigilNotSupported(VigilError, NotImplementedError):
    """The call has no meaning on this engine (create_database_backup on PostgreSQL)."""


def _extension_path(given):
    """The SQLite extension to load: the argument, else $VIGIL_SQLITE_EXTENSION, else Debian's."""
    path = given or os.environ.get(EXTENSION_ENV) or DEBIAN_EXTENSION_PATH
    probe = path if path.endswith(".so") else path + ".so"
    if not (os.path.exists(path) or os.path.exists(probe)):
        raise VigilError(
            f"the vigil SQLite extension is not at {path!r}: install the Debian package "
            f"libsqlite3-mod-vigil, or pass extension=... or set {EXTENSION_ENV}")
    return path


def _rows(conn, sql, **params):
    return [dict(r) for r in conn.execute(text(sql), params).mappings().all()]


class Vigil:
    """vigil's calls on one SQLAlchemy engine (SQLite or PostgreSQL).

    `bind` is an Engine or a URL.  For SQLite the extension is loaded into every new connection
    of the engine (the `connect` event); connections the engine already pooled are closed first
    (engine.dispose()) so that none lacks it.  A SQLite engine made here from a URL uses
    SingletonThreadPool (one connection per thread, kept): vigil's SQLite query statistics are
    per connection, and a thread's queries then land where get_database_statistics() reads.
    """

    def __init__(self, bind, extension=None, backup_dir=None):
        if isinstance(bind, str):
            url = sqlalchemy.engine.make_url(bind)
            if url.get_backend_name() == "sqlite":
                bind = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.SingletonThreadPool,
                                                connect_args={"check_same_thread": False})
            else:
                bind = sqlalchemy.create_engine(url)
        if not isinstance(bind, sqlalchemy.engine.Engine):
            raise VigilError(f"expected a SQLAlchemy Engine or URL, not {type(bind).__name__}")
        self.engine = bind
        self.dialect = bind.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise VigilError(f"vigil supports SQLite and PostgreSQL, not {self.dialect}")
        self.backup_dir = backup_dir
        self._monitor = None
        self._monitor_lock = threading.Lock()
        if self.dialect == "sqlite":
            self.extension = _extension_path(extension)
            event.listen(bind, "connect", self._load_extension)
            bind.dispose()
        else:
            self.extension = None

    def _load_extension(self, dbapi_connection, _record):
        dbapi_connection.enable_load_extension(True)
        try:
            dbapi_connection.load_extension(self.extension)
        finally:
            # SQL itself may not load libraries (docs/reliability.md): off again after loading.
            dbapi_connection.enable_load_extension(False)

    # -- integrity ----------------------------------------------------------------------------
    def check_data_integrity(self, repair=False, fk_orphans="quarantine"):
        """vigil_check(); with repair=True, vigil_repair(false) and vigil_check() again."""
        repairs, batch = [], None
        with self.engine.begin() as conn:
            before = _rows(conn, "SELECT * FROM vigil_check()")
            if repair and any(f["repairable"] for f in before):
                repairs = _rows(conn, "SELECT * FROM vigil_repair(false, :mode)", mode=fk_orphans)
                batch = next((r["batch"] for r in repairs if r["batch"] is not None), None)
        findings = before
        if repair and repairs:
            with self.engine.begin() as conn:
                findings = _rows(conn, "SELECT * FROM vigil_check()")
        for f in before + findings:
            f["repairable"] = bool(f["repairable"])
        errors = [f for f in findings if f["severity"] == "error"]
        return {
            "status": "healthy" if not errors else "issues_found",
            "errors": errors,
            "warnings": [f for f in findings if f["severity"] == "warning"],
            "findings": findings,
            "findings_before_repair": before,
            "repairs": repairs,
            "repair_batch": batch,
            "repaired_rows": sum(r["rows_affected"] for r in repairs
                                 if r["action"] not in ("none", "refused")),
            "refused": [r for r in repairs if r["action"] == "refused"],
            "engine": self.dialect,
        }

    # -- health -------------------------------------------------------------------------------
    def get_database_health(self):
        """vigil_health(): the overall row gives status, health_score and detailed_status."""
        try:
            conn = self.engine.connect()
        except sqlalchemy.exc.DBAPIError as e:  # the server is down, the file cannot be opened
            return {"status": "unreachable", "health_score": 0, "detailed_status": "unreachable",
                    "active_alerts": [], "metrics": {}, "error": str(e.orig),
                    "engine": self.dialect}
        with conn:
            rows = _rows(conn, "SELECT * FROM vigil_health()")
        overall = rows[-1]
        metrics = {r["metric"]: {k: r[k] for k in ("value", "threshold", "status", "message")}
                   for r in rows[:-1]}
        word = overall["status"]
        return {
            "status": {"excellent": "healthy", "good": "healthy"}.get(word, word),
            "health_score": overall["value"],
            "detailed_status": word,
            "message": overall["message"],
            "active_alerts": [
                {"metric": r["metric"], "severity": r["status"], "message": r["message"],
                 "value": r["value"], "threshold": r["threshold"]}
                for r in rows[:-1] if r["status"] in ("warning", "critical")],
            "metrics": metrics,
            "engine": self.dialect,
        }

    # -- backup -------------------------------------------------------------------------------
    def create_database_backup(self, name, backup_dir=None):
        """SQLite: vigil_backup('<backup_dir>/<name>.db'), a verified copy.

        PostgreSQL: VigilNotSupported -- a server's backup is pg_dump's or pg_basebackup's,
        run where the server's files and credentials are (docs/checksums.md has the recipe
        that vigil verifies).
        """
        if self.dialect != "sqlite":
            raise VigilNotSupported(
                "create_database_backup is SQLite only: back PostgreSQL up with pg_dump or "
                "pg_basebackup and verify the restore with vigil_checksums() "
                "(docs/checksums.md, 'PostgreSQL: backups are pg_dump's and pg_basebackup's')")
        if not isinstance(name, str) or not _BACKUP_NAME.match(name):
            raise VigilError(
                f"backup name {name!r} must be 1-200 letters, digits, '.', '_' or '-', "
                "not starting with '.' or '-'")
        directory = backup_dir or self.backup_dir
        if directory is None:
            db = self.engine.url.database
            if not db or db == ":memory:" or db.startswith("file:"):
                raise VigilError("an in-memory database has no directory: pass backup_dir=...")
            directory = os.path.join(os.path.dirname(os.path.abspath(db)), "backups")
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(os.path.abspath(directory), name + ".db")
        with self.engine.begin() as conn:
            row = _rows(conn, "SELECT * FROM vigil_backup(:p)", p=path)[0]
        verified = bool(row["verified"])
        return {
            "status": "success" if verified else "failed",
            "backup_path": row["path"],
            "size_bytes": row["bytes"],
            "duration_ms": row["duration_ms"],
            "verified": verified,
            "checksum": row["checksum"],
            "reason": row["reason"],
            "engine": self.dialect,
        }

    # -- migrations ---------------------------------------------------------------------------
    def migrate_database(self, target_version=None, steps=None):
        """vigil_migrate(target_version, steps): the migrations registered with vigil."""
        with self.engine.begin() as conn:
            rows = _rows(conn, "SELECT * FROM vigil_migrate(:v, :s)", v=target_version, s=steps)
        stopped = next((r for r in rows if r["status"] in ("failed", "manual")), None)
        return {
            "status": "success" if stopped is None else stopped["status"],
            "applied": [r["version"] for r in rows if r["status"] == "applied"],
            "migrations": rows,
            "error": stopped["detail"] if stopped else None,
            "target_version": target_version,
            "engine": self.dialect,
        }

    # -- monitoring ---------------------------------------------------------------------------
    def start_database_monitoring(self, interval_seconds=60):
        """PostgreSQL: vigil_monitor_start (a pg_cron job).  SQLite: a daemon thread of this
        process calling vigil_snapshot() every interval_seconds; the first snapshot is taken
        before this returns, so a broken setup fails here."""
        if self.dialect == "postgresql":
            with self.engine.begin() as conn:
                job = conn.execute(text("SELECT vigil_monitor_start(:i)"),
                                   {"i": int(interval_seconds)}).scalar()
            return {"status": "started", "engine": self.dialect, "scheduler": "pg_cron",
                    "job_id": job, "interval_seconds": int(interval_seconds)}
        if not interval_seconds or interval_seconds <= 0:
            raise VigilError(f"interval_seconds must be positive, not {interval_seconds!r}")
        with self._monitor_lock:
            if self._monitor is not None:
                self._stop_thread()
            monitor = _SnapshotThread(self.engine, float(interval_seconds))
            monitor.snapshot_once()  # errors surface to the caller
            monitor.start()
            self._monitor = monitor
        return {"status": "started", "engine": self.dialect, "scheduler": "thread",
                "job_id": None, "interval_seconds": interval_seconds}

    def stop_database_monitoring(self):
        if self.dialect == "postgresql":
            with self.engine.begin() as conn:
                removed = conn.execute(text("SELECT vigil_monitor_stop()")).scalar()
            return {"status": "stopped" if removed else "not_running", "engine": self.dialect,
                    "removed": removed}
        with self._monitor_lock:
            if self._monitor is None:
                return {"status": "not_running", "engine": self.dialect, "removed": 0,
                        "snapshots": 0, "last_error": None}
            monitor = self._stop_thread()
        return {"status": "stopped", "engine": self.dialect, "removed": 1,
                "snapshots": monitor.snapshots, "last_error": monitor.last_error}

    def _stop_thread(self):
        monitor, self._monitor = self._monitor, None
        monitor.stop.set()
        monitor.join()
        return monitor

    # -- statistics and optimisation -----------------------------------------------------------
    def get_database_statistics(self, slowest=5):
        """vigil_query_stats() and vigil_table_stats()."""
        with self.engine.connect() as conn:
            queries = _rows(conn, "SELECT * FROM vigil_query_stats()")
            tables = _rows(conn, "SELECT * FROM vigil_table_stats()")
        calls = sum(q["calls"] for q in queries)
        total_ms = sum(q["total_ms"] for q in queries)
        ranked = sorted((q for q in queries if q["calls"]), key=lambda q: -q["mean_ms"])
        return {
            "avg_query_time_ms": (total_ms / calls) if calls else 0.0,  # 0.0: none recorded
            "total_queries": calls,
            "total_query_time_ms": total_ms,
            "slowest_queries": [
                {k: q[k] for k in ("fingerprint", "query", "calls", "mean_ms", "max_ms", "total_ms")}
                for q in ranked[:slowest]],
            "tables": {t["table_name"]: t for t in tables},
            "table_count": len(tables),
            "total_rows": sum(t["row_count"] for t in tables),
            "total_bytes": sum(t["total_bytes"] or 0 for t in tables),
            "engine": self.dialect,
        }

    def optimize_database_performance(self, apply=True):
        """vigil_optimize(apply): applies the safe actions (indexes for foreign keys, ANALYZE,
        PRAGMA optimize); the others (drop_index, set_journal_mode) are recommendations."""
        with self.engine.begin() as conn:
            rows = _rows(conn, "SELECT * FROM vigil_optimize(:a)", a=bool(apply))
        for r in rows:
            r["applied"] = bool(r["applied"])
        failed = [r for r in rows if apply and r["applied"] is False
                  and r["action"] in ("create_index", "analyze", "optimize")]
        return {
            "status": "success" if not failed else "partial",
            "actions": rows,
            "applied": [r for r in rows if r["applied"]],
            "recommendations": [r for r in rows if not r["applied"]],
            "failed": failed,
            "engine": self.dialect,
        }


class _SnapshotThread(threading.Thread):
    def __init__(self, engine, interval):
        super().__init__(name="vigil-snapshot", daemon=True)
        self.engine, self.interval = engine, interval
        self.stop = threading.Event()
        self.snapshots = 0
        self.last_error = None
        self.taken = threading.Condition()

    def snapshot_once(self):
        with self.engine.begin() as conn:
            conn.execute(text("SELECT count(*) FROM vigil_snapshot()")).scalar()
        with self.taken:
            self.snapshots += 1
            self.taken.notify_all()

    def run(self):
        while not self.stop.wait(self.interval):
            try:
                self.snapshot_once()
                self.last_error = None
            except Exception as e:  # noqa: BLE001 -- kept for stop_database_monitoring()
                self.last_error = str(e)


# -- module-level calls, as the platform's database_integration module offers them ------------
_default = None
_default_lock = threading.Lock()


def configure(bind, extension=None, backup_dir=None):
    """Sets the database the module-level calls use (an Engine or a URL); returns its Vigil."""
    global _default
    with _default_lock:
        _default = Vigil(bind, extension=extension, backup_dir=backup_dir)
        return _default


def get_client():
    """The configured Vigil; configured from $VIGIL_DATABASE_URL on first use if unset."""
    global _default
    with _default_lock:
        if _default is None:
            url = os.environ.get(URL_ENV)
            if not url:
                raise VigilError(f"no database: call vigil_client.configure(...) or set {URL_ENV}")
            _default = Vigil(url)
        return _default


def check_data_integrity(repair=False):
    return get_client().check_data_integrity(repair=repair)


def get_database_health():
    return get_client().get_database_health()


def create_database_backup(name):
    return get_client().create_database_backup(name)


def migrate_database(target_version=None):
    return get_client().migrate_database(target_version)


def start_database_monitoring(interval_seconds=60):
    return get_client().start_database_monitoring(interval_seconds)


def stop_database_monitoring():
    return get_client().stop_database_monitoring()


def get_database_statistics():
    return get_client().get_database_statistics()


def optimize_database_performance():
    return get_client().optimize_database_performance()
