// sqlite-vigil -- finds the vigil SQLite extension of this platform and loads it.
//
//   const Database = require('better-sqlite3');
//   const vigil = require('sqlite-vigil');
//   const db = new Database('app.db');
//   vigil.load(db);                       // or db.loadExtension(vigil.getLoadablePath())
//
// The binary is in a package per platform (sqlite-vigil-linux-x64, ...), an optional dependency
// that npm installs only where its "os"/"cpu" match: nothing is downloaded or compiled at
// install time beyond npm's own fetch of that package.
'use strict';
const fs = require('fs');
const path = require('path');

const PLATFORMS = { 'linux-x64': { pkg: 'sqlite-vigil-linux-x64', file: 'vigil.so' } };

function getLoadablePath() {
  const key = `${process.platform}-${process.arch}`;
  const platform = PLATFORMS[key];
  if (!platform) {
    throw new Error(`sqlite-vigil: no build for ${key} (built for: ${Object.keys(PLATFORMS).join(', ')})`);
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${platform.pkg}/package.json`));
  } catch (e) {
    throw new Error(`sqlite-vigil: the package ${platform.pkg} is not installed ` +
      `(npm skips optional dependencies with --omit=optional): npm install ${platform.pkg}`);
  }
  const file = path.join(dir, platform.file);
  if (!fs.existsSync(file)) throw new Error(`sqlite-vigil: ${file} is missing from ${platform.pkg}`);
  return file;
}

// db: a better-sqlite3 Database (or anything with loadExtension(path), as node:sqlite's
// DatabaseSync opened with allowExtension: true).
function load(db) {
  db.loadExtension(getLoadablePath());
}

module.exports = { getLoadablePath, load };
