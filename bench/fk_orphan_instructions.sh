#!/usr/bin/env bash
# bench/fk_orphan_instructions.sh -- instructions of SQLite's `vigil_check_rows('fk_orphan',
# 'detections')` against `PRAGMA foreign_key_check(detections)` on the data of
# bench/integrity_bench.py (10 000 videos, 1 000 000 detections, 1 000 orphans, ANALYZE run),
# counted by valgrind (cachegrind, no cache simulation).  Each side runs in its own Python
# process that opens the database, loads the extension and fetches every row; a process that
# only opens the database and loads the extension is subtracted.  Unlike timings, the counts
# do not depend on the other load of a shared machine.
#
#   make sqlite && bench/fk_orphan_instructions.sh [extension]   (default build/vigil; needs valgrind)
# VIGIL_FK_BENCH_DB names the database file (created when missing; default in /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
EXT=${1:-build/vigil}
DB=${VIGIL_FK_BENCH_DB:-/tmp/vigil_fk_orphan_bench.db}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
DRIVER=$(mktemp --suffix=.py)
trap 'rm -f "$DRIVER"' EXIT
if [ ! -f "$DB" ]; then
  cat >"$DRIVER" <<'EOF'
import sqlite3, sys
sys.path.insert(0, "bench")
import integrity_bench as b
con = sqlite3.connect(sys.argv[1])
con.executescript(b.SCHEMA_SQLITE)
con.executescript(b.DATA_SQLITE)
con.commit()
con.execute("ANALYZE")  # as integrity_bench.py does
EOF
  /usr/bin/python3 "$DRIVER" "$DB"
fi
cat >"$DRIVER" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.enable_load_extension(True)
con.load_extension(sys.argv[2])
sql = {"base": None,
       "pragma": "PRAGMA foreign_key_check(detections)",
       "vigil": "SELECT * FROM vigil_check_rows('fk_orphan', 'detections')"}[sys.argv[3]]
if sql:
    rows = con.execute(sql).fetchall()
    assert len(rows) == 1000, len(rows)
EOF
irefs() {  # irefs MODE
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    /usr/bin/python3 "$DRIVER" "$DB" "$EXT" "$1" 2>&1 |
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
cat "$DB" >/dev/null  # into the page cache
base=$(irefs base)
pragma=$(irefs pragma)
vigil=$(irefs vigil)
awk -v b="$base" -v p="$pragma" -v v="$vigil" 'BEGIN {
  printf "instructions: open + load %.1f M; minus that: PRAGMA foreign_key_check %.1f M, vigil_check_rows %.1f M\n",
         b / 1e6, (p - b) / 1e6, (v - b) / 1e6
  printf "ratio vigil / pragma: %.3f\n", (v - b) / (p - b) }'
