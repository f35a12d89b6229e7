#!/usr/bin/env bash
# scripts/test-asan.sh -- `make test-asan`: the core and the SQLite extension built with
# AddressSanitizer + UndefinedBehaviorSanitizer (g++), running the unit tests, the SQLite
# shell tests, the SQLite side of the hostile-input suite and the SQLite fault host.  The sqlite3 shell itself is not instrumented, so the sanitizer runtimes are
# preloaded into it.  Any report fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh all || exit 1

cmake -S . -B build-asan -DVIGIL_SANITIZE=ON -DVIGIL_BUILD_TESTS=ON -DVIGIL_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null || exit 1
cmake --build build-asan -j2 >build-asan/build.log 2>&1 || { tail -40 build-asan/build.log; exit 1; }

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
# Tests that run /usr/bin/python3 or the sqlite3 shell load the instrumented extension into an
# uninstrumented process: the sanitizer runtimes must be preloaded there.
preload="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)"
echo "==> unit tests under ASan+UBSan"
LD_PRELOAD="$preload" ctest --test-dir build-asan --output-on-failure -j2 || status=1

echo "==> SQLite shell tests under ASan+UBSan"
# The shell's own allocations at exit are not ours: leak checking stays on for the unit tests.
LD_PRELOAD="$preload" ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 VIGIL_BUILD_DIR=build-asan \
  tests/sqlite/run.sh || status=1
echo "==> hostile-input suite, SQLite side, under ASan+UBSan"
# Every registered function with NULLs, hostile identifiers, huge strings, wrong types, odd
# tables (about 10 s); Python is not ours either, so no leak checking.
LD_PRELOAD="$preload" ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 VIGIL_BUILD_DIR=build-asan \
  /usr/bin/python3 tests/hostile/run.py --engine sqlite || status=1
echo "==> SQLite fault host under ASan+UBSan, leak checking on"
# The host is instrumented itself; vigil.so is the sanitizer build.  About 90 s (--quick: 50 s).
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 build-asan/vigil_sqlite_faults build-asan/vigil.so \
  build-asan/faults --report build-asan/faults/report.md >/dev/null || status=1
exit "$status"
