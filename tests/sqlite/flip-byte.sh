#!/bin/sh
# tests/sqlite/flip-byte.sh FILE MARKER -- changes one byte (the 8th) of the first MARKER in
# FILE, in place: a flipped byte inside a stored value, for tests/sqlite/checksum.sql.
off=$(LC_ALL=C grep -obUa "$2" "$1" | head -1 | cut -d: -f1)
[ -n "$off" ] || { echo "flip-byte: $2 not found in $1"; exit 1; }
# dd runs without a preloaded sanitizer runtime (make test-asan): its aligned_alloc trips ASan.
printf 9 | LD_PRELOAD= dd of="$1" bs=1 seek=$((off + 7)) conv=notrunc 2>/dev/null
