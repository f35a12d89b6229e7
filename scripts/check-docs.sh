#!/usr/bin/env bash
# scripts/check-docs.sh -- fails when a function that vigil_functions() lists has no reference
# entry in docs/: a Markdown heading that names it with its argument list, such as
# "## `vigil_check([table_name [, full]])` -> table" or "### vigil_backup(path)".
# Needs build/vigil.so (make sqlite): the registry is the same in both engines.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/vigil.so ] || { echo "check-docs: build/vigil.so is missing (make sqlite)" >&2; exit 2; }
names=$(sqlite3 -batch -noheader -cmd '.load build/vigil' :memory: \
  'SELECT DISTINCT name FROM vigil_functions() ORDER BY name;')
[ -n "$names" ] || { echo "check-docs: vigil_functions() returned nothing" >&2; exit 2; }
missing=0
count=0
for name in $names; do
  count=$((count + 1))
  if ! grep -Eq "^#+ .*\b${name}\(" docs/*.md; then
    echo "missing: $name has no reference heading in docs/*.md"
    missing=$((missing + 1))
  fi
done
echo "check-docs: $((count - missing)) of $count functions have a reference entry in docs/"
[ "$missing" -eq 0 ]
