// clients/node/test/example.js -- run by tests/npm/run.sh inside a temporary project where
// sqlite-vigil and sqlite-vigil-linux-x64 were installed from their npm tarballs, with
// better-sqlite3@12.  The validation platform (examples/validation_platform) in a fresh SQLite
// file: load(db), vigil_version(), a clean vigil_check(), a planted orphan found and repaired.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Database = require('better-sqlite3');
const vigil = require('sqlite-vigil');

const EXAMPLE = path.join(process.argv[2], 'examples', 'validation_platform');
const read = (name) => fs.readFileSync(path.join(EXAMPLE, name), 'utf8');

const so = vigil.getLoadablePath();
assert.ok(so.includes(path.join('node_modules', 'sqlite-vigil-linux-x64')), so);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-npm-'));
const db = new Database(path.join(tmp, 'platform.db'));
vigil.load(db);
assert.strictEqual(db.prepare('SELECT vigil_version() AS v').get().v, process.argv[3]);

db.exec(read('schema.sqlite.sql'));
db.exec('CREATE TEMP TABLE gen_params AS SELECT 42 AS seed, 20 AS videos, 5 AS detections_per_video, 10 AS annotations_per_video;' +
        read('generate.sqlite.sql'));
assert.deepStrictEqual(db.prepare("SELECT * FROM vigil_check() WHERE severity = 'error'").all(), []);
const stats = db.prepare('SELECT table_name, row_count FROM vigil_table_stats()').all();
assert.strictEqual(stats.find((t) => t.table_name === 'videos').row_count, 20);

// an orphan: a detection whose video is gone, deleted with foreign keys off (better-sqlite3
// turns them on; SQLite's default is off)
db.pragma('foreign_keys = OFF');
const victim = db.prepare('SELECT video_id FROM detection_events ORDER BY id LIMIT 1').get().video_id;
const orphans = db.prepare('SELECT count(*) AS n FROM detection_events WHERE video_id = ?').get(victim).n;
db.prepare('DELETE FROM videos WHERE id = ?').run(victim);
const findings = db.prepare("SELECT check_name, table_name, violations FROM vigil_check() WHERE severity = 'error'").all();
assert.deepStrictEqual(findings.filter((f) => f.table_name === 'detection_events'),
  [{ check_name: 'fk_orphan', table_name: 'detection_events', violations: orphans }]);
const repaired = db.prepare('SELECT action, table_name, rows_affected FROM vigil_repair(0)').all();
assert.ok(repaired.some((r) => r.action === 'quarantine' && r.table_name === 'detection_events'), JSON.stringify(repaired));
assert.deepStrictEqual(db.prepare("SELECT * FROM vigil_check() WHERE severity = 'error'").all(), []);
const overall = db.prepare("SELECT value, status FROM vigil_health() WHERE metric = 'overall'").get();
console.log(`sqlite-vigil ${process.argv[3]} from ${so}: one video deleted, ${findings.length} error finding(s) (${orphans} orphan detections), repaired; health ${overall.status} ${overall.value}`);
db.close();
fs.rmSync(tmp, { recursive: true });
