#!/usr/bin/env bash
# scripts/test.sh -- `make test`: everything, from a fresh clone, as root or a sudoer.
#
# Installs missing Debian packages, builds both extensions, runs the GoogleTest unit tests,
# the SQLite shell tests, installs the PostgreSQL extension, starts a throw-away PostgreSQL 15
# cluster with shared_preload_libraries = 'vigil,pg_cron', runs pg_regress and the cross-engine conformance suite against it, and stops it.
# Exits non-zero when any suite fails; the last line says how many suites passed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

passed=0
failed=0
failures=()
suite() {
  local name=$1
  shift
  echo
  echo "==> $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "!!! $name FAILED"
  fi
}

scripts/install-deps.sh all || exit 1

echo "==> build"
make -j2 CMAKE_OPTS="-DVIGIL_BUILD_TESTS=ON -DVIGIL_BUILD_BENCH=ON" >build.log 2>&1 ||
  { tail -50 build.log; exit 1; }
make install >>build.log 2>&1 || { tail -50 build.log; exit 1; }

export VIGIL_PG_PORT=${VIGIL_PG_PORT:-55432}
eval "$(scripts/pg-cluster.sh env)"
# --preload: vigil's query statistics need shared_preload_libraries (and pg_cron, for
# vigil_monitor_start, is preloaded too when it is installed).
scripts/pg-cluster.sh start --preload || exit 1
trap 'scripts/pg-cluster.sh stop' EXIT
# pg_cron 1.4 fires at most once a minute: this test waits in the background on its own
# cluster while the other suites run, and is collected near the end.
/usr/bin/python3 tests/monitoring/cron_fire.py --background build/cron_fire.log

suite "unit tests (GoogleTest)" ctest --test-dir build --output-on-failure -j2
suite "SQLite shell tests" tests/sqlite/run.sh
# (about 15 s: the same scripts and expected output as the previous suite)
suite "SQLite shell tests, DEFENSIVE on and trusted_schema off" \
  env VIGIL_SQLITE_HARDENED=1 tests/sqlite/run.sh
mkdir -p build/regress
suite "pg_regress" make installcheck REGRESS_OPTS="--outputdir=$ROOT/build/regress --load-extension=plpgsql"
if [ -f build/regress/regression.diffs ]; then cat build/regress/regression.diffs; fi
suite "cross-engine conformance" /usr/bin/python3 tests/conformance/run.py
# (about 5-10 s: ~670 calls per engine, generated from vigil_functions())
suite "hostile input (every function, both engines)" /usr/bin/python3 tests/hostile/run.py
suite "faults: SQLite I/O errors and out of memory (tests/faults/sqlite_faults.cpp)" \
  build/vigil_sqlite_faults build/vigil.so build/faults --report build/faults/report.md
suite "faults: PostgreSQL backends killed with kill -9 (tests/faults/pg_kill.sh)" \
  tests/faults/pg_kill.sh
clients() {
  /usr/bin/python3 examples/clients/python/side_by_side.py || return 1
  (cd examples/clients/node && npm ci --no-audit --no-fund >npm.log 2>&1 || { cat npm.log; exit 1; }
   node side_by_side.js)
}
suite "client examples (Python, Node.js)" clients
# (about 25 s: a venv, pip install of clients/python, both engines)
suite "Python package vigil_client (pip install, SQLite and PostgreSQL)" clients/python/tests/run.sh
# (about 20 s: reuses the better-sqlite3 the previous suite built; 6 min when it must compile it)
suite "npm packages sqlite-vigil (npm pack, installed into a project with better-sqlite3@12)" \
  tests/npm/run.sh
suite "demo (validation platform, small scale, both engines)" tests/demo/run.sh
suite "monitoring (Prometheus parser, NOTIFY, sessions, no preload)" \
  /usr/bin/python3 tests/monitoring/run.py
suite "pg_cron fires vigil_monitor_start's snapshot (started in the background)" \
  /usr/bin/python3 tests/monitoring/cron_fire.py --wait build/cron_fire.log
suite "PostgreSQL cancellation and heap corruption (amcheck)" /usr/bin/python3 tests/pg_physical/run.py
suite "primary and hot standby" tests/replica/run.sh
suite "docs: every function has a reference entry" scripts/check-docs.sh
suite "PGXN META.json (Meta Spec 1.0.0; versions agree with vigil.control, vigil_version())" \
  /usr/bin/python3 scripts/check-meta.py
suite "lint (clang-tidy, cppcheck, clang-format on common/)" scripts/lint.sh
suite "fuzz (10 s per target, fixed seed)" env VIGIL_FUZZ_SEED=1 scripts/fuzz.sh 10

echo
if [ "$failed" -gt 0 ]; then echo "failed suites: ${failures[*]}"; fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
