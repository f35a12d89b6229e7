"""clients/python/tests/test_client.py -- vigil_client against a SQLite file and PostgreSQL.

Run by clients/python/tests/run.sh with the package pip-installed into a venv (not from the
source tree).  SQLite: the extension from $VIGIL_SQLITE_EXTENSION (or the Debian path).
PostgreSQL: the libpq environment (PGHOST, PGPORT, PGUSER) of a cluster where vigil is
installed, pg_cron preloaded with cron.database_name = 'postgres' (scripts/pg-cluster.sh
start --preload).  Both engines are required: a missing one is a failure, not a skip.
"""
import os
import sqlite3
import sys
import tempfile
import textwrap
import unittest

import sqlalchemy
from sqlalchemy import text

import vigil_client

HERE = os.path.dirname(os.path.abspath(__file__))
assert not vigil_client.__file__.startswith(os.path.dirname(HERE)), \
    f"testing the source tree, not the installed package: {vigil_client.__file__}"

SCHEMA = """
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects (id),
                     frames INTEGER CHECK (frames >= 0));
INSERT INTO projects VALUES (1, 'camera A'), (2, 'camera B');
INSERT INTO videos VALUES (1, 1, 10), (2, 2, 20), (3, 99, 30);
"""

# The seed's examples (docs/unified-database-architecture.md), as written; `database_integration`
# is this package (the test makes the name point at it).
SEED_EXAMPLES = {
    "health": """
        health = get_database_health()
        print(f"Status: {health['status']}")
        print(f"Health Score: {health['health_score']}")
    """,
    "integrity": """
        from database_integration import check_data_integrity
        integrity_result = check_data_integrity(repair=True)
        if integrity_result['status'] != 'healthy':
            print(f"Integrity issues: {integrity_result['errors']}")
    """,
    "performance": """
        from database_integration import get_database_statistics, optimize_database_performance
        stats = get_database_statistics()
        if stats['avg_query_time_ms'] > 1000:
            result = optimize_database_performance()
        optimization_result = optimize_database_performance()
    """,
    "monitoring": """
        from database_integration import start_database_monitoring
        monitoring_result = start_database_monitoring(60)
        from database_integration import get_database_health
        health = get_database_health()
        print(f"Health: {health['detailed_status']}")
        print(f"Active Alerts: {len(health['active_alerts'])}")
    """,
    "backup": """
        from database_integration import create_database_backup
        backup_result = create_database_backup("pre_deployment_backup")
        if backup_result["status"] == "success":
            print(f"Backup created: {backup_result['backup_path']}")
            print(f"Size: {backup_result['size_bytes'] / 1024 / 1024:.2f} MB")
    """,
    "connection": """
        from database_integration import get_database_health
        health = get_database_health()
        if health['status'] != 'healthy':
            print(f"Connection issue: {health.get('error', 'Unknown')}")
    """,
}


def run_seed(name):
    sys.modules["database_integration"] = vigil_client
    scope = dict(vars(vigil_client))
    exec(compile(textwrap.dedent(SEED_EXAMPLES[name]), f"<seed {name}>", "exec"), scope)
    return scope


class Common:
    """The same assertions on both engines: a planted orphan, repaired; health; statistics."""

    def setUp(self):
        self.client = vigil_client.configure(self.make_engine())
        with self.client.engine.begin() as conn:
            if self.client.dialect == "postgresql":  # the orphan: foreign-key triggers off
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            for stmt in SCHEMA.strip().split(";\n"):
                conn.execute(text(stmt))

    def test_integrity_finds_and_repairs(self):
        report = vigil_client.check_data_integrity()
        self.assertEqual(report["status"], "issues_found")
        self.assertEqual([(e["check_name"], e["table_name"], e["violations"]) for e in report["errors"]],
                         [("fk_orphan", "videos", 1)])
        self.assertEqual(report["repairs"], [])
        with self.client.engine.connect() as conn:
            self.assertEqual(conn.execute(text("SELECT count(*) FROM videos")).scalar(), 3)
        repaired = vigil_client.check_data_integrity(repair=True)
        self.assertEqual(repaired["status"], "healthy")
        self.assertEqual(repaired["errors"], [])
        self.assertEqual(repaired["repaired_rows"], 1)
        self.assertIsNotNone(repaired["repair_batch"])
        with self.client.engine.connect() as conn:
            self.assertEqual(conn.execute(text("SELECT id FROM videos ORDER BY id")).scalars().all(), [1, 2])

    def test_health(self):
        health = vigil_client.get_database_health()
        self.assertEqual(health["detailed_status"], "critical")  # the orphan
        self.assertEqual(health["status"], "critical")
        self.assertIn("integrity_findings", [a["metric"] for a in health["active_alerts"]])
        self.assertEqual(health["metrics"]["integrity_findings"]["value"], 1)
        self.assertLess(health["health_score"], 100)
        vigil_client.check_data_integrity(repair=True)
        after = vigil_client.get_database_health()
        self.assertNotIn("integrity_findings", [a["metric"] for a in after["active_alerts"]])
        self.assertEqual(after["metrics"]["integrity_findings"]["status"], "ok")

    def test_statistics_and_optimize(self):
        with self.client.engine.connect() as conn:
            for _ in range(3):
                conn.execute(text("SELECT count(*) FROM videos WHERE frames > 5")).scalar()
        stats = vigil_client.get_database_statistics()
        self.assertEqual(stats["table_count"], 2)
        self.assertEqual(stats["tables"]["videos"]["row_count"], 3)
        self.assertEqual(stats["total_rows"], 5)
        self.assertGreater(stats["total_queries"], 0)
        self.assertGreaterEqual(stats["avg_query_time_ms"], 0)
        fingerprints = {q["query"]: q["calls"] for q in stats["slowest_queries"]}
        self.assertLessEqual(len(stats["slowest_queries"]), 5)
        # the statement above is recorded, whatever its rank: read it from the whole list
        everything = self.client.get_database_statistics(slowest=1000)["slowest_queries"]
        self.assertIn("select count(*) from videos where frames > ?",
                      {q["query"] for q in everything}, fingerprints)
        result = vigil_client.optimize_database_performance()
        self.assertEqual(result["status"], "success")
        self.assertIn(("create_index", "videos(project_id)"),
                      [(a["action"], a["target"]) for a in result["applied"]])
        again = self.client.optimize_database_performance(apply=False)
        self.assertNotIn("create_index", [a["action"] for a in again["actions"]])

    def test_migrate(self):
        with self.client.engine.begin() as conn:
            conn.execute(text("SELECT vigil_migration_add('001', 'tags', "
                              "'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT)', "
                              "'DROP TABLE tags')"))
            conn.execute(text("SELECT vigil_migration_add('002', 'tag index', "
                              "'CREATE INDEX tags_name ON tags (name)', 'DROP INDEX tags_name')"))
        first = vigil_client.migrate_database("001")
        self.assertEqual((first["status"], first["applied"]), ("success", ["001"]))
        rest = vigil_client.migrate_database()
        self.assertEqual((rest["status"], rest["applied"]), ("success", ["002"]))
        self.assertEqual(vigil_client.migrate_database()["migrations"], [])

    def test_seed_examples(self):
        for name in ("health", "integrity", "performance", "connection"):
            run_seed(name)
        scope = run_seed("integrity")
        self.assertEqual(scope["integrity_result"]["status"], "healthy")


class SQLiteTest(Common, unittest.TestCase):
    def make_engine(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "platform.db")
        # one kept connection per thread: SQLite's query statistics are per connection
        return sqlalchemy.create_engine(f"sqlite:///{self.path}",
                                        poolclass=sqlalchemy.pool.SingletonThreadPool,
                                        connect_args={"check_same_thread": False})

    def tearDown(self):
        vigil_client.stop_database_monitoring()
        self.client.engine.dispose()
        self.dir.cleanup()

    def test_url_and_every_connection_has_vigil(self):
        client = vigil_client.Vigil(f"sqlite:///{self.path}")
        with client.engine.connect() as conn:
            self.assertEqual(conn.execute(text("SELECT vigil_version()")).scalar(), "0.2.0")
        # SQL cannot load libraries afterwards (the extension setting is off again)
        with client.engine.connect() as conn:
            with self.assertRaises(sqlalchemy.exc.OperationalError):
                conn.execute(text("SELECT load_extension('/nonexistent')")).scalar()
        client.engine.dispose()

    def test_statistics_of_a_fresh_connection(self):
        # NullPool (SQLAlchemy 1.4's default for files): every checkout is a new connection,
        # which has recorded nothing yet: no queries, and the average says 0.0
        client = vigil_client.Vigil(sqlalchemy.create_engine(
            f"sqlite:///{self.path}", poolclass=sqlalchemy.pool.NullPool))
        stats = client.get_database_statistics()
        self.assertEqual((stats["total_queries"], stats["avg_query_time_ms"]), (0, 0.0))
        self.assertEqual(stats["slowest_queries"], [])
        client.engine.dispose()

    def test_missing_extension_is_a_clear_error(self):
        with self.assertRaisesRegex(vigil_client.VigilError, "libsqlite3-mod-vigil"):
            vigil_client.Vigil(f"sqlite:///{self.path}", extension="/nonexistent/vigil.so")

    def test_backup(self):
        scope = run_seed("backup")
        result = scope["backup_result"]
        self.assertEqual(result["status"], "success")
        self.assertEqual(result["backup_path"],
                         os.path.join(self.dir.name, "backups", "pre_deployment_backup.db"))
        self.assertEqual(result["size_bytes"], os.path.getsize(result["backup_path"]))
        copy = sqlite3.connect(result["backup_path"])
        self.assertEqual(copy.execute("SELECT count(*) FROM videos").fetchone()[0], 3)
        copy.close()
        with self.assertRaisesRegex(sqlalchemy.exc.DBAPIError, "already exists"):
            vigil_client.create_database_backup("pre_deployment_backup")
        for bad in ("", "../escape", "a/b", ".hidden"):
            with self.assertRaises(vigil_client.VigilError):
                vigil_client.create_database_backup(bad)

    def test_monitoring_thread(self):
        started = self.client.start_database_monitoring(0.01)
        self.assertEqual((started["status"], started["scheduler"]), ("started", "thread"))
        monitor = self.client._monitor
        with monitor.taken:  # waits for snapshots taken by the thread itself (no deadline)
            monitor.taken.wait_for(lambda: monitor.snapshots >= 3)
        stopped = vigil_client.stop_database_monitoring()
        self.assertEqual(stopped["status"], "stopped")
        self.assertIsNone(stopped["last_error"])
        with self.client.engine.connect() as conn:
            overall = conn.execute(text(
                "SELECT count(*) FROM vigil_health_history WHERE metric = 'overall'")).scalar()
            alerts = conn.execute(text(
                "SELECT metric FROM vigil_alerts WHERE resolved_at IS NULL")).scalars().all()
        self.assertEqual(overall, stopped["snapshots"])
        self.assertGreaterEqual(overall, 3)
        self.assertIn("integrity_findings", alerts)
        self.assertEqual(vigil_client.stop_database_monitoring()["status"], "not_running")
        scope = run_seed("monitoring")
        self.assertEqual(scope["monitoring_result"]["status"], "started")


class PostgresTest(Common, unittest.TestCase):
    DB = "vigil_client_python"

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("PGPORT"):
            raise RuntimeError("PostgreSQL: set the libpq environment (PGHOST, PGPORT, PGUSER)")
        cls.admin = sqlalchemy.create_engine("postgresql+psycopg2:///postgres",
                                             isolation_level="AUTOCOMMIT")

    @classmethod
    def tearDownClass(cls):
        cls.admin.dispose()

    def make_engine(self):
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.DB}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.DB}"'))
        engine = sqlalchemy.create_engine(f"postgresql+psycopg2:///{self.DB}")
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION vigil"))
        return engine

    def tearDown(self):
        self.client.engine.dispose()

    def test_backup_is_not_supported(self):
        with self.assertRaisesRegex(vigil_client.VigilNotSupported, "pg_dump"):
            run_seed("backup")

    def test_monitoring_pg_cron(self):
        # pg_cron runs jobs of cron.database_name ('postgres'): elsewhere the error says so
        with self.assertRaisesRegex(sqlalchemy.exc.DBAPIError, "pg_cron"):
            vigil_client.start_database_monitoring(60)
        created = []
        with self.admin.connect() as conn:
            for ext in ("vigil", "pg_cron"):
                if conn.execute(text("SELECT count(*) FROM pg_extension WHERE extname = :e"),
                                {"e": ext}).scalar() == 0:
                    conn.execute(text(f"CREATE EXTENSION {ext}"))
                    created.append(ext)
        try:
            client = vigil_client.configure("postgresql+psycopg2:///postgres")
            started = client.start_database_monitoring(300)
            self.assertEqual((started["status"], started["scheduler"]), ("started", "pg_cron"))
            with self.admin.connect() as conn:
                self.assertEqual(conn.execute(text(
                    "SELECT schedule FROM cron.job WHERE jobid = :j"), {"j": started["job_id"]}).scalar(),
                    "*/5 * * * *")
            self.assertEqual(vigil_client.stop_database_monitoring()["status"], "stopped")
            self.assertEqual(vigil_client.stop_database_monitoring()["status"], "not_running")
            client.engine.dispose()
        finally:
            with self.admin.connect() as conn:
                for ext in reversed(created):
                    conn.execute(text(f"DROP EXTENSION {ext}"))

    def test_unreachable_server(self):
        client = vigil_client.Vigil("postgresql+psycopg2://nobody@127.0.0.1:1/none")
        health = client.get_database_health()
        self.assertEqual(health["status"], "unreachable")
        self.assertIn("127.0.0.1", health["error"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
