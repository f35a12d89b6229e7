"""vigil_client -- the platform's database API over vigil, for SQLite and PostgreSQL.

    from vigil_client import configure, get_database_health
    configure("sqlite:////srv/app/app.db")          # or a SQLAlchemy engine, or postgresql://...
    print(get_database_health()["health_score"])

Pure Python: the SQL functions are vigil's (the SQLite loadable extension, or the PostgreSQL
extension created with CREATE EXTENSION vigil).  Every call returns a plain dict whose keys
clients/python/README.md lists.
"""
from .client import (
    DEBIAN_EXTENSION_PATH,
    Vigil,
    VigilError,
    VigilNotSupported,
    check_data_integrity,
    configure,
    create_database_backup,
    get_client,
    get_database_health,
    get_database_statistics,
    migrate_database,
    optimize_database_performance,
    start_database_monitoring,
    stop_database_monitoring,
)

__version__ = "0.2.0"

__all__ = [
    "DEBIAN_EXTENSION_PATH", "Vigil", "VigilError", "VigilNotSupported", "check_data_integrity",
    "configure", "create_database_backup", "get_client", "get_database_health",
    "get_database_statistics", "migrate_database", "optimize_database_performance",
    "start_database_monitoring", "stop_database_monitoring", "__version__",
]
