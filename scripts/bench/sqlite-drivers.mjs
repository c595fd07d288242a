// The measurement behind ADR 0003: node:sqlite against better-sqlite3 on the store's access
// patterns. better-sqlite3 is not a dependency (see the ADR); install it in a scratch folder:
//   npm install --prefix /tmp/sqlbench better-sqlite3@12   (compiles SQLite with node-gyp)
//   BETTER_SQLITE3=/tmp/sqlbench/node_modules/better-sqlite3 node scripts/bench/sqlite-drivers.mjs
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { DatabaseSync } from "node:sqlite";

const Better = createRequire(import.meta.url)(process.env.BETTER_SQLITE3 ?? "better-sqlite3");
const N = 200_000;
function doc(i) {
  return JSON.stringify({
    id: `evt_${i}`,
    tenantId: "ten_a",
    type: "product_viewed",
    sessionId: `ses_${i % 5000}`,
    productId: `prd_${i % 50}`,
    occurredAt: new Date(1.7e12 + i * 1000).toISOString(),
    properties: { position: i % 100 },
  });
}
function run(name, open) {
  const file = `/tmp/varai-sqlite-drivers-${name}.db`;
  rmSync(file, { force: true });
  rmSync(file + "-wal", { force: true });
  rmSync(file + "-shm", { force: true });
  const db = open(file);
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  db.exec("CREATE TABLE d (k TEXT PRIMARY KEY, t TEXT NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID");
  db.exec("CREATE INDEX d_sess ON d (t, json_extract(doc, '$.sessionId'))");
  const ins = db.prepare("INSERT INTO d (k, t, doc) VALUES (?, ?, ?)");
  const docs = Array.from({ length: N }, (_, i) => doc(i));
  let t0 = performance.now();
  for (let b = 0; b < N; b += 100) {
    db.exec("BEGIN");
    for (let i = b; i < b + 100; i++) ins.run(`ten_a:evt_${i}`, "ten_a", docs[i]);
    db.exec("COMMIT");
  }
  const insertUs = ((performance.now() - t0) * 1000) / N;
  const get = db.prepare("SELECT doc FROM d WHERE k = ?");
  t0 = performance.now();
  for (let i = 0; i < 50_000; i++) JSON.parse(get.get(`ten_a:evt_${(i * 7919) % N}`).doc);
  const getUs = ((performance.now() - t0) * 1000) / 50_000;
  const bySess = db.prepare("SELECT doc FROM d WHERE t = ? AND json_extract(doc, '$.sessionId') = ?");
  t0 = performance.now();
  for (let i = 0; i < 5_000; i++) bySess.all("ten_a", `ses_${i}`);
  const sessUs = ((performance.now() - t0) * 1000) / 5000;
  // small commits (durability cost, synchronous=FULL)
  db.exec("PRAGMA synchronous=FULL");
  t0 = performance.now();
  for (let i = 0; i < 500; i++) {
    ins.run(`ten_a:x_${i}`, "ten_a", docs[i]);
  }
  const commitUs = ((performance.now() - t0) * 1000) / 500;
  db.close();
  return {
    name,
    insertUsPerDocIn100Batch: +insertUs.toFixed(2),
    pkGetUs: +getUs.toFixed(2),
    indexedLookup40RowsUs: +sessUs.toFixed(1),
    autocommitFullSyncUs: +commitUs.toFixed(1),
  };
}
const results = [];
for (let r = 0; r < 2; r++) {
  results.push(run("node-sqlite", (f) => new DatabaseSync(f)));
  results.push(run("better-sqlite3", (f) => new Better(f)));
}
console.log(process.version, JSON.stringify(results, null, 1));
