#!/usr/bin/env bash
# scripts/test-memcheck.sh -- `make test-memcheck`: the PostgreSQL module under Valgrind memcheck.
#
# AddressSanitizer cannot run inside PostgreSQL (a server with libasan preloaded deadlocks at
# start in glibc's bindtextdomain), so `make test-asan` stops at the SQLite side.  Here the
# whole server runs under Valgrind instead: a throw-away cluster (scripts/pg-cluster.sh, with
# vigil and pg_cron preloaded as in `make test`) whose postmaster pg_ctl starts through a
# wrapper that execs `valgrind --tool=memcheck ... postgres`; every backend and background
# worker is a fork of it and stays under Valgrind, with a log of its own
# (build/memcheck/valgrind/<pid>.log).  Against that server it runs
#   - pg_regress: every test of REGRESS and the isolation specs of ISOLATION (the Makefile);
#   - the PostgreSQL half of the hostile-input suite (tests/hostile/run.py --engine postgres);
# then stops the server (fast shutdown: every process exits and finishes its log) and fails when
#   - any Valgrind log holds an error (invalid read or write, use of an uninitialised value, a
#     syscall given uninitialised bytes, invalid or mismatched free, overlapping memcpy, a
#     definite leak at exit) that tests/memcheck/postgresql.supp does not suppress -- it lists
#     PostgreSQL's own false positives only, never a stack with vigil on it;
#   - a process under Valgrind was killed by a signal (a crash), or Valgrind itself failed;
#   - the hostile suite fails, or pg_regress / the isolation specs do not complete.  An output
#     of theirs that differs from expected/ is printed and counted, and does not fail the run:
#     Valgrind makes the server 20-50 times slower, and a statement_timeout meant to fire
#     in a pg_sleep can fire earlier (`make test` asserts the output).
# VIGIL_MEMCHECK_REGRESS="setup checksum" runs only these pg_regress tests (setup first) and no
# isolation spec; VIGIL_VALGRIND_OPTS adds Valgrind options (--track-origins=yes to see where an
# uninitialised value comes from).  The last line gives the error count and the server's CPU
# time.  docs/reliability.md, "Valgrind memcheck (PostgreSQL)".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
scripts/install-deps.sh all || exit 1

echo "==> build"
# The shipped build (PGXS flags: -O2 -g), as `make test` installs it: after it, nothing to do.
make -j2 >build.log 2>&1 ||
  { tail -50 build.log; exit 1; }
make install >>build.log 2>&1 || { tail -50 build.log; exit 1; }

OUT=$ROOT/build/memcheck
LOGS=$OUT/valgrind
rm -rf "$OUT"
mkdir -p "$LOGS" "$OUT/regress" "$OUT/isolation"
# The server runs as the postgres user (pg-cluster.sh, when we are root): it writes the logs.
if [ "$(id -u)" = 0 ]; then chown postgres: "$LOGS"; fi

# The postgres that pg_ctl starts (pg_ctl -p).  Valgrind runs the server in the same process, so
# the pid pg_ctl waits for is the postmaster's.
# Leaks: definite ones only (memory no pointer reaches any more when the process exits), which
# is what a C++ object skipped by a longjmp leaves; PostgreSQL's memory contexts stay reachable
# until exit and are not reported.  No --track-origins by default: it doubles the CPU time.
REAL=$(pg_config --bindir)/postgres
{
  echo '#!/bin/sh'
  echo "exec valgrind --tool=memcheck --num-callers=40 --leak-check=full \\"
  echo "  --show-leak-kinds=definite --errors-for-leak-kinds=definite \\"
  echo "  --error-markers=VALGRIND-ERROR-BEGIN,VALGRIND-ERROR-END --gen-suppressions=all \\"
  echo "  --suppressions=$ROOT/tests/memcheck/postgresql.supp --log-file=$LOGS/%p.log \\"
  echo "  ${VIGIL_VALGRIND_OPTS:-} $REAL \"\$@\""
} >"$OUT/postgres-valgrind"
chmod 755 "$OUT/postgres-valgrind"

export VIGIL_PG_PORT=${VIGIL_PG_PORT:-55432}
eval "$(scripts/pg-cluster.sh env)"
# jit off: the statements that fill the large tables of the cancellation tests cost enough to
# be compiled by LLVM, which is slow under Valgrind and not vigil's code.
VIGIL_PG_CONF="jit = off" VIGIL_PG_POSTGRES=$OUT/postgres-valgrind \
  scripts/pg-cluster.sh start --preload || exit 1
trap 'VIGIL_PG_POSTGRES=$OUT/postgres-valgrind scripts/pg-cluster.sh stop' EXIT
postmaster=$(head -1 "$PGHOST/data/postmaster.pid")
started=$(date +%s)

status=0
# pg_regress and the isolation specs: an output that differs from expected/ is printed and
# counted but does not fail this run -- the server is 20-50 times slower here, so a test whose
# statement_timeout is meant to fire in a pg_sleep can fire earlier, in vigil's own queries
# (the CONTEXT line differs); `make test` asserts the output.  A run that does not complete
# (no "tests passed"/"tests failed" summary: the server went away) fails.
differing=0
suite() {  # name log make-arguments...
  local name=$1 log=$2
  shift 2
  echo "==> $name, server under Valgrind memcheck"
  make installcheck "$@" 2>&1 | tee "$log"
  local failed
  failed=$(sed -n 's/^ *\([0-9]*\) of [0-9]* tests failed\..*/\1/p' "$log")
  if [ -n "$failed" ]; then
    differing=$((differing + failed))
  elif ! grep -qE '^ *All [0-9]+ tests passed\.' "$log"; then
    echo "!!! $name did not complete"
    status=1
  fi
}
# isolationtester gives up on a step after 360 s (PGISOLATIONTIMEOUT); allow for Valgrind.
export PGISOLATIONTIMEOUT=3600
regress=(ISOLATION=)
if [ -n "${VIGIL_MEMCHECK_REGRESS:-}" ]; then regress+=(REGRESS="$VIGIL_MEMCHECK_REGRESS"); fi
suite "pg_regress" "$OUT/regress.log" "${regress[@]}" \
  REGRESS_OPTS="--outputdir=$OUT/regress --load-extension=plpgsql"
if [ -z "${VIGIL_MEMCHECK_REGRESS:-}" ]; then
  suite "isolation specs" "$OUT/isolation.log" REGRESS= ISOLATION_OPTS="--outputdir=$OUT/isolation"
fi
for d in "$OUT/regress" "$OUT/isolation"; do
  if [ -f "$d/regression.diffs" ]; then cat "$d/regression.diffs"; fi
done
echo "==> hostile-input suite, PostgreSQL side, server under Valgrind memcheck"
/usr/bin/python3 tests/hostile/run.py --engine postgres || status=1

# The server's CPU time: its own and that of its children that have ended -- every backend once
# the suites' sessions have gone (a measure for CI's time budget, not a check: on a busy
# machine the elapsed time says little; at most 2 minutes of waiting).
for _ in $(seq 120); do
  [ "$(psql -XAtqc "SELECT count(*) FROM pg_catalog.pg_stat_activity
                      WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()" \
         postgres 2>/dev/null || echo 0)" = 0 ] && break
  sleep 1
done
cpu=$(awk '{printf "%d", ($14 + $15 + $16 + $17) / 100}' "/proc/$postmaster/stat")
cp "$PGHOST/server.log" "$OUT/server.log"
trap - EXIT
VIGIL_PG_POSTGRES=$OUT/postgres-valgrind scripts/pg-cluster.sh stop
# pg_ctl stop returns once postmaster.pid is gone; Valgrind finishes the postmaster's log after.
tail --pid="$postmaster" -f /dev/null
elapsed=$(($(date +%s) - started))

errors=0
bad=()
for log in "$LOGS"/*.log; do
  n=$(grep -c 'VALGRIND-ERROR-BEGIN' "$log")
  # A crash (SIGSEGV, SIGABRT...) or Valgrind's own failure is a finding too.
  if grep -qE "Process terminating with default action of signal|the 'impossible' happened|Valgrind's memory management: out of memory" "$log"; then
    n=$((n + 1))
  fi
  if [ "$n" -gt 0 ]; then
    errors=$((errors + n))
    bad+=("$log")
  fi
done
for log in "${bad[@]}"; do
  echo "---- $log"
  cat "$log"
done
echo
echo "memcheck: $(ls "$LOGS" | wc -l) server processes, $errors Valgrind error reports (one per stack and process)" \
  "(logs: build/memcheck/valgrind); $differing pg_regress/isolation tests with another output" \
  "than expected/ (not a memory error: see above); ${elapsed} s, server CPU ${cpu} s"
if [ "$errors" -gt 0 ]; then status=1; fi
exit "$status"
