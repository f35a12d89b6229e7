#!/usr/bin/env bash
# scripts/lint.sh -- clang-tidy, cppcheck and clang-format on the engine-neutral core (common/).
# Needs build/compile_commands.json (any `make`/cmake configure writes it).
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f build/compile_commands.json ] || cmake -S . -B build >/dev/null
mapfile -t sources < <(find common -name '*.cpp' | sort)
mapfile -t files < <(find common -name '*.cpp' -o -name '*.hpp' | sort)
status=0

echo "clang-tidy (${#sources[@]} files)"
if ! clang-tidy -p build --quiet "${sources[@]}" 2>/dev/null | grep -v "warnings generated" >build/clang-tidy.log; then :; fi
if grep -qE "(warning|error):" build/clang-tidy.log; then
  cat build/clang-tidy.log
  status=1
fi

echo "cppcheck"
if ! cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
    --std=c++17 --language=c++ --inline-suppr -I common "${sources[@]}"; then
  status=1
fi

echo "clang-format"
if ! clang-format --dry-run --Werror "${files[@]}"; then
  status=1
fi

[ "$status" -eq 0 ] && echo "lint: clean"
exit "$status"
