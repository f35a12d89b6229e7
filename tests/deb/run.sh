#!/usr/bin/env bash
# tests/deb/run.sh -- builds the Debian packages (scripts/deb.sh), installs them into the system
# with apt-get, and checks the INSTALLED files (not the build tree):
#   - libsqlite3-mod-vigil: `.load vigil` (no path) in the sqlite3 shell, vigil_version(), and
#     vigil_client's default extension path;
#   - postgresql-15-vigil: a fresh cluster of the system PostgreSQL 15 (initdb as postgres, its
#     own port $VIGIL_DEB_PORT, default 55450, its own socket directory), CREATE EXTENSION vigil,
#     vigil_version().
# Needs root (apt-get install; the cluster runs as postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PORT=${VIGIL_DEB_PORT:-55450}
VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" vigil.control)

[ "${VIGIL_DEB_SKIP_BUILD:-}" = 1 ] || scripts/deb.sh
DEBS=(build/deb/postgresql-15-vigil_"${VERSION}"_amd64.deb build/deb/libsqlite3-mod-vigil_"${VERSION}"_amd64.deb)
ls "${DEBS[@]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "${DEBS[@]/#/./}" >build/deb/apt.log 2>&1 ||
  { cat build/deb/apt.log; exit 1; }

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"; }

# SQLite: the installed file, found by name from an unrelated directory
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
so=/usr/lib/$multiarch/vigil.so
dpkg -L libsqlite3-mod-vigil | grep -qx "$so" || fail "libsqlite3-mod-vigil does not install $so"
got=$(cd /tmp && sqlite3 :memory: '.load vigil' 'SELECT vigil_version();')
expect "sqlite3 .load vigil" "$got" "$VERSION"
got=$(cd / && /usr/bin/python3 -c '
import sqlite3, sys
sys.path.insert(0, sys.argv[1])
from vigil_client.client import DEBIAN_EXTENSION_PATH
c = sqlite3.connect(":memory:"); c.enable_load_extension(True); c.load_extension(DEBIAN_EXTENSION_PATH)
print(DEBIAN_EXTENSION_PATH, c.execute("SELECT vigil_version()").fetchone()[0])' "$ROOT/clients/python")
expect "vigil_client's default path" "$got" "$so $VERSION"

# PostgreSQL: the system's server and the packaged extension files
for f in /usr/lib/postgresql/15/lib/vigil.so /usr/share/postgresql/15/extension/vigil.control; do
  dpkg -S "$f" | grep -q '^postgresql-15-vigil:' || fail "$f is not postgresql-15-vigil's"
done
tmp=$(mktemp -d /tmp/vigil-deb.XXXXXX)
chown postgres: "$tmp"
pgbin=/usr/lib/postgresql/15/bin
as_pg() { runuser -u postgres -- "$@"; }
cleanup() { as_pg "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$tmp/data" -A trust -U postgres >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w \
  -o "-p $PORT -k $tmp -c listen_addresses=''" start >/dev/null || { cat "$tmp/log"; exit 1; }
got=$(as_pg psql -X -At -h "$tmp" -p "$PORT" -d postgres -v ON_ERROR_STOP=1 \
  -c 'CREATE EXTENSION vigil' -c 'SELECT vigil_version()' | tail -1)
expect "CREATE EXTENSION vigil; SELECT vigil_version()" "$got" "$VERSION"
got=$(as_pg psql -X -At -h "$tmp" -p "$PORT" -d postgres -c "SELECT extversion FROM pg_extension WHERE extname = 'vigil'")
expect "pg_extension.extversion" "$got" "$VERSION"
echo "deb smoke test: sqlite3 .load vigil and CREATE EXTENSION vigil give $VERSION from the installed packages"
