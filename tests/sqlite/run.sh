#!/usr/bin/env bash
# tests/sqlite/run.sh -- runs every tests/sqlite/*.sql through the real sqlite3 shell and
# compares its output (stdout and stderr) with tests/sqlite/expected/<name>.out.  A
# tests/sqlite/*.py script (several processes at once, exit codes) runs with /usr/bin/python3
# in the same directory and is compared the same way.
#
#   tests/sqlite/run.sh [name ...]     run some or all; VIGIL_ACCEPT=1 rewrites the expected files
# The scripts load the extension with `.load build/vigil`; VIGIL_BUILD_DIR=build-asan makes
# that name the sanitizer build instead (scripts/test-asan.sh).
# VIGIL_SQLITE_HARDENED=1 runs every .sql script with SQLITE_DBCONFIG_DEFENSIVE on and
# PRAGMA trusted_schema = OFF (set before the script's first line) against the same expected
# output: vigil works the same in a hardened application.
set -uo pipefail
cd "$(dirname "$0")/../.."
out_dir=${VIGIL_BUILD_DIR:-build}/sqlite-tests
mkdir -p "$out_dir"

if [ "${VIGIL_SQLITE_HARDENED:-0}" = 1 ] && [ "${VIGIL_ACCEPT:-0}" = 1 ]; then
  echo "VIGIL_ACCEPT writes expected output from the plain run only" >&2
  exit 2
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in tests/sqlite/*.sql tests/sqlite/*.py; do names+=("$(basename "${f%.*}")"); done
fi

passed=0
failed=0
for name in "${names[@]}"; do
  rm -f "$out_dir/$name".db*
  # Each script gets a fresh database file; `-bail` is off so every statement runs.
  (cd "$out_dir" && ln -sfn "../../${VIGIL_BUILD_DIR:-build}" build) 2>/dev/null
  actual="$out_dir/$name.out"
  if [ -f "tests/sqlite/$name.py" ]; then
    (cd "$out_dir" && /usr/bin/python3 "../../tests/sqlite/$name.py") >"$actual" 2>&1
  else
    hardened=()
    script="tests/sqlite/$name.sql"
    if [ "${VIGIL_SQLITE_HARDENED:-0}" = 1 ]; then
      hardened=(-cmd ".output /dev/null" -cmd ".dbconfig defensive on" -cmd ".output stdout"
                -cmd "PRAGMA trusted_schema = OFF")
      # Scripts that damage a schema on purpose (PRAGMA writable_schema) do that part with
      # defensive off -- as a bug or another program would -- and vigil runs with it on.
      script="$out_dir/$name.hardened.sql"
      sed -e 's/^PRAGMA writable_schema = ON;$/.output \/dev\/null\n.dbconfig defensive off\n.output stdout\n&/' \
          -e 's/^PRAGMA writable_schema = RESET;$/&\n.output \/dev\/null\n.dbconfig defensive on\n.output stdout/' \
          "tests/sqlite/$name.sql" >"$script"
    fi
    (cd "$out_dir" && sqlite3 -batch "${hardened[@]}" "$name.db" <"../../$script") >"$actual" 2>&1
  fi
  expected="tests/sqlite/expected/$name.out"
  if [ "${VIGIL_ACCEPT:-0}" = 1 ]; then cp "$actual" "$expected"; fi
  if [ "${VIGIL_SQLITE_HARDENED:-0}" = 1 ] && [ -f "tests/sqlite/$name.sql" ]; then
    # the hardened script has a few more lines: compare without line numbers
    sed -E 's/near line [0-9]+/near line N/' "$expected" >"$out_dir/$name.expected"
    sed -i -E 's/near line [0-9]+/near line N/' "$actual"
    expected="$out_dir/$name.expected"
  fi
  if diff -u "$expected" "$actual" >"$out_dir/$name.diff"; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    cat "$out_dir/$name.diff"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
