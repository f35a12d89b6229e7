// examples/clients/node/side_by_side.js -- vigil from Node.js, on both engines at once.
//
// Creates the validation platform in a fresh SQLite file (better-sqlite3, loading
// build/vigil.so) and in a fresh PostgreSQL database (pg, connection from PGHOST/PGPORT/PGUSER),
// sends the same vigil calls (examples/clients/queries.json) to both, and prints the answers
// side by side.  Exits 1 if the engines disagree.
//
//   cd examples/clients/node && npm ci && node side_by_side.js
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const Database = require('better-sqlite3');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'validation_platform');
const VIDEOS = 40;
const read = (name) => fs.readFileSync(path.join(EXAMPLE, name), 'utf8');
const params = `CREATE TEMP TABLE gen_params AS SELECT 42 AS seed, ${VIDEOS} AS videos, 5 AS detections_per_video, 10 AS annotations_per_video;`;

// pg returns bigint as text and booleans as true/false; SQLite gives numbers and 0/1.
const normalise = (rows) =>
  rows.map((row) =>
    Object.values(row).map((v) =>
      typeof v === 'boolean' ? Number(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v));

async function main() {
  const { queries } = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'clients', 'queries.json'), 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-node-'));
  const lite = new Database(path.join(tmp, 'platform.db'));
  lite.loadExtension(path.join(ROOT, 'build', 'vigil.so'));
  lite.exec(read('schema.sqlite.sql'));
  lite.exec(params + read('generate.sqlite.sql'));

  const dbname = 'vigil_client_node';
  const admin = new Client({ database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbname}`);
  await admin.query(`CREATE DATABASE ${dbname}`);
  const pg = new Client({ database: dbname });
  await pg.connect();
  let differ = 0;
  try {
    await pg.query('CREATE EXTENSION vigil');
    await pg.query(read('schema.postgres.sql'));
    await pg.query(params + read('generate.postgres.sql'));
    for (const sql of queries) {
      const a = normalise(lite.prepare(sql).all());
      const b = normalise((await pg.query(sql)).rows);
      const same = JSON.stringify(a) === JSON.stringify(b);
      if (!same) differ += 1;
      console.log(`${same ? 'same' : 'DIFFERENT'}: ${sql}`);
      const width = Math.max(6, ...a.map((r) => JSON.stringify(r).length));
      console.log(`  ${'sqlite'.padEnd(width)} | postgresql`);
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const left = i < a.length ? JSON.stringify(a[i]) : '';
        const right = i < b.length ? JSON.stringify(b[i]) : '';
        console.log(`  ${left.padEnd(width)} | ${right}`);
      }
    }
  } finally {
    lite.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    await pg.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbname}`);
    await admin.end();
  }
  console.log(`${queries.length - differ} passed, ${differ} failed`);
  return differ ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
