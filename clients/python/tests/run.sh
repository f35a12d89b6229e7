#!/usr/bin/env bash
# clients/python/tests/run.sh -- installs clients/python the way a user does (pip, no compiler,
# no index: Debian's python3-pip / python3-setuptools / python3-venv, SQLAlchemy and psycopg2
# from Debian seen through --system-site-packages) into a fresh venv, and runs its tests
# against a SQLite file (the extension from $VIGIL_SQLITE_EXTENSION, default build/vigil.so)
# and the PostgreSQL of the libpq environment (PGHOST, PGPORT, PGUSER).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
VENV=$ROOT/build/pyclient-venv
rm -rf "$VENV" "$ROOT/clients/python/build" "$ROOT/clients/python/"*.egg-info
/usr/bin/python3 -m venv --system-site-packages "$VENV"
"$VENV/bin/pip" install -q --no-index --no-build-isolation "$ROOT/clients/python"
rm -rf "$ROOT/clients/python/build" "$ROOT/clients/python/"*.egg-info
export VIGIL_SQLITE_EXTENSION=${VIGIL_SQLITE_EXTENSION:-$ROOT/build/vigil.so}
cd /  # import the installed package, not the source tree
"$VENV/bin/python" "$ROOT/clients/python/tests/test_client.py" "$@"
