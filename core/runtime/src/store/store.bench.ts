// Micro-benchmark of the embedded DocumentStore on the paths the analytics processor uses.
//   npx tsx core/runtime/src/store/store.bench.ts [module]   (prints JSON, microseconds per operation)
// `module` (optional) is another embedded-store.ts to compare with, e.g. an older revision:
//   mkdir -p core/runtime/src/store/.old && for f in embedded-store.ts mql.ts; do
//     git show <rev>:core/runtime/src/store/$f | sed 's#"\.\./ports/#"../../ports/#' > core/runtime/src/store/.old/$f; done
// (delete the directory afterwards). In memory, one process: the numbers move with the machine's load.
import { pathToFileURL } from "node:url";
import type { DocumentStore } from "../ports/document-store.ts";

interface Row {
  id: string;
  tenantId: string;
  n?: number;
  status?: string;
  ledger?: Record<string, 1>;
  [key: string]: unknown;
}

const target = process.argv[2] ? pathToFileURL(process.argv[2]).href : "./embedded-store.ts";
const { createEmbeddedStore } = (await import(target)) as {
  createEmbeddedStore: (options: { file: null }) => DocumentStore;
};

const T = "ten_bench";
const OTHER = "ten_other";
const PRELOAD = 20_000;

async function time(iterations: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  return Math.round(Number(process.hrtime.bigint() - started) / 1000 / iterations);
}

const store = createEmbeddedStore({ file: null });
const events = store.tenantCollection<Row>({ name: "bench_events", scope: "tenant", ttlField: "expiresAt" });
const daily = store.tenantCollection<Row>({ name: "bench_daily", scope: "tenant" });
const expiresAt = new Date(Date.now() + 86_400_000);
const event = (id: string) => ({
  id,
  type: "try_on_started",
  sessionId: "ses_1",
  productId: "prd_1",
  occurredAt: new Date().toISOString(),
  properties: { position: 1 },
  expiresAt,
  batchId: "b",
});

// Both tenants hold PRELOAD events, so a lookup that walks a tenant shows up. (Distinct ids per
// tenant only so that revisions before per-tenant ids can run this too.)
for (const [tenant, prefix] of [
  [T, "pre"],
  [OTHER, "oth"],
] as const) {
  for (let i = 0; i < PRELOAD; i += 1000) {
    await events.insertMany(
      tenant,
      Array.from({ length: 1000 }, (_, j) => event(`${prefix}_${i + j}`)),
    );
  }
}
await daily.insertMany(
  T,
  Array.from({ length: 50 }, (_, i) => ({ id: `agg_${i}`, n: 0, ledger: {} })),
);

let batchNo = 0;
const result = {
  bench: "embedded-store",
  module: process.argv[2] ?? "core/runtime/src/store/embedded-store.ts",
  preloadPerTenant: PRELOAD,
  usPerOp: {
    insertMany100: await time(100, () =>
      events
        .insertMany(
          T,
          Array.from({ length: 100 }, (_, j) => event(`new_${batchNo}_${j}`)),
        )
        .then(() => batchNo++),
    ),
    findById: await time(2000, (i) => events.findById(T, `pre_${i}`)),
    findIdIn100: await time(200, (i) =>
      events.find(T, { id: { $in: Array.from({ length: 100 }, (_, j) => `pre_${(i * 100 + j) % PRELOAD}`) } }),
    ),
    updateOneIncById: await time(2000, (i) => daily.updateOne(T, { id: `agg_${i % 50}` }, { $inc: { n: 1 } })),
    guardedUpsert: await time(2000, (i) =>
      daily.updateOne(
        T,
        { id: `agg_${i % 50}`, [`ledger.b${i}`]: { $exists: false } },
        { $inc: { n: 1 }, $set: { [`ledger.b${i}`]: 1, updatedAt: new Date() } },
        { upsert: true },
      ),
    ),
    countByFieldOver20k: await time(20, () => events.count(T, { status: "none" })),
  },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
await store.close();
