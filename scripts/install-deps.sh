#!/usr/bin/env bash
# scripts/install-deps.sh -- installs the Debian packages vigil needs, and only those missing.
#
#   scripts/install-deps.sh sqlite   what `make demo` needs (build + SQLite, no server)
#   scripts/install-deps.sh all      what `make test` needs (adds PostgreSQL 15 and its dev files),
#                                    and `make test-asan` / `make test-memcheck` (valgrind)
set -euo pipefail

sqlite_pkgs=(build-essential cmake pkg-config libfmt-dev libxxhash-dev libsqlite3-dev sqlite3
             python3 nlohmann-json3-dev)
all_pkgs=("${sqlite_pkgs[@]}" googletest libgtest-dev libbenchmark-dev postgresql-15
          postgresql-server-dev-15 postgresql-contrib postgresql-15-cron python3-psycopg
          python3-prometheus-client python3-sqlalchemy python3-psycopg2
          python3-venv python3-pip python3-setuptools debhelper postgresql-server-dev-all dpkg-dev
          fakeroot lintian clang-tidy cppcheck clang-format clang libclang-rt-14-dev nodejs
          valgrind)

case "${1:-all}" in
  sqlite) pkgs=("${sqlite_pkgs[@]}") ;;
  all) pkgs=("${all_pkgs[@]}") ;;
  *) echo "usage: $0 [sqlite|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "==> installing: ${missing[*]}"
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
