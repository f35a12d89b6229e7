#!/usr/bin/env bash
# scripts/deb.sh -- `make deb`: builds the Debian packages postgresql-15-vigil and
# libsqlite3-mod-vigil into build/deb/, from a copy of the work tree (build/deb/src: the files
# git tracks or would track) so that the work tree stays clean, with dpkg-buildpackage and
# Debian's PostgreSQL extension tooling (pg_buildext, debian/pgversions), then runs lintian.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/build/deb
rm -rf "$OUT"
mkdir -p "$OUT/src"
git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
  tar --null -T - -cf - | tar -xf - -C "$OUT/src"
# the system's pg_config: the packages are for the system's PostgreSQL 15, whatever the caller's
export PG_CONFIG=/usr/bin/pg_config
(cd "$OUT/src" && dpkg-buildpackage -us -uc -b -j2 >"$OUT/build.log" 2>&1) ||
  { tail -40 "$OUT/build.log"; exit 1; }
ls "$OUT"/*.deb
# lintian: every tag not overridden in debian/*.lintian-overrides (each explained there) fails
lintian --fail-on warning,error --tag-display-limit 0 "$OUT"/*.changes
