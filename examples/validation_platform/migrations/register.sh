#!/usr/bin/env bash
# examples/validation_platform/migrations/register.sh ENGINE -- prints one
# `SELECT vigil_migration_add(version, name, up_sql, down_sql);` per migration of this folder,
# for ENGINE sqlite or postgres.  NNNN_name.up.sql / NNNN_name.down.sql hold the SQL; a
# migration that cannot be written once for both engines has NNNN_name.up.<engine>.sql instead
# (the file says why).  The version is NNNN as a number, the name is the rest of the file name.
#   examples/validation_platform/migrations/register.sh sqlite | sqlite3 app.db -cmd '.load build/vigil'
set -euo pipefail
engine=${1:?usage: register.sh sqlite|postgres}
dir=$(dirname "$0")
quote() { printf "'%s'" "$(sed "s/'/''/g" "$1")"; }
for down in "$dir"/[0-9]*.down.sql; do
  base=${down%.down.sql}
  up=$base.up.sql
  [ -f "$up" ] || up=$base.up.$engine.sql
  [ -f "$up" ] || { echo "register.sh: no $base.up.sql or $base.up.$engine.sql" >&2; exit 1; }
  file=$(basename "$base")
  version=$((10#${file%%_*}))
  name=${file#*_}
  printf "SELECT vigil_migration_add('%s', '%s', %s, %s);\n" \
    "$version" "${name//_/ }" "$(quote "$up")" "$(quote "$down")"
done
