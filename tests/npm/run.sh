#!/usr/bin/env bash
# tests/npm/run.sh -- packs clients/node (sqlite-vigil, the loader, and sqlite-vigil-linux-x64,
# the binary: build/vigil.so without its debug information) with `npm pack` into build/npm/,
# installs both tarballs with better-sqlite3@12 (from the npm registry) into a temporary
# project, and runs clients/node/test/example.js there.  Nothing of vigil is downloaded.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/build/npm
VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" vigil.control)
[ -f build/vigil.so ] || { echo "build/vigil.so is missing: make sqlite" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/stage" "$OUT/project"
cp -r clients/node/sqlite-vigil clients/node/sqlite-vigil-linux-x64 "$OUT/stage/"
strip --strip-debug -o "$OUT/stage/sqlite-vigil-linux-x64/vigil.so" build/vigil.so
for p in sqlite-vigil-linux-x64 sqlite-vigil; do
  v=$(node -p "require('$OUT/stage/$p/package.json').version")
  [ "$v" = "$VERSION" ] || { echo "$p is version $v, vigil.control says $VERSION" >&2; exit 1; }
  (cd "$OUT" && npm pack --silent "./stage/$p" >/dev/null)
done
ls -l "$OUT"/*.tgz
cd "$OUT/project"
echo '{"name": "vigil-npm-test", "version": "1.0.0", "private": true}' > package.json
# better-sqlite3's install script fetches a prebuilt binary from GitHub or, when that cannot
# be reached (as here), compiles SQLite and itself: about 5 minutes on 2 busy cores. When the
# "client examples" suite has already built the same better-sqlite3 version for this Node
# (examples/clients/node), its binary is reused and install scripts are skipped: vigil's
# packages have none anyway (nothing is fetched or built when they are installed).
built=$ROOT/examples/clients/node/node_modules/better-sqlite3
scripts=()
[ -f "$built/build/Release/better_sqlite3.node" ] && scripts=(--ignore-scripts)
npm install --no-audit --no-fund --silent "${scripts[@]}" "$OUT/sqlite-vigil-linux-x64-$VERSION.tgz" \
  "$OUT/sqlite-vigil-$VERSION.tgz" better-sqlite3@12 >"$OUT/npm.log" 2>&1 || { cat "$OUT/npm.log"; exit 1; }
if [ ${#scripts[@]} -gt 0 ]; then
  have=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
  want=$(node -p "require('$built/package.json').version")
  if [ "$have" = "$want" ]; then
    mkdir -p node_modules/better-sqlite3/build/Release
    cp "$built/build/Release/better_sqlite3.node" node_modules/better-sqlite3/build/Release/
  else
    (cd node_modules/better-sqlite3 && npm run install >"$OUT/npm-build.log" 2>&1) ||
      { cat "$OUT/npm-build.log"; exit 1; }
  fi
fi
cp "$ROOT/clients/node/test/example.js" .
node example.js "$ROOT" "$VERSION"
