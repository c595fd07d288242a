/**
 * Warm latency of POST /v1/recommendations' use case (service.recommend) for catalogs of 1k,
 * 10k and 100k frames, with an active preference model and a shopper history, on the embedded
 * store and memory cache. "compute" requests miss the result cache (every profile differs);
 * "cached" requests repeat one profile. Prints JSON. Targets: p95 <= 10 ms at 10k, <= 50 ms at 100k.
 */

import {
  CONTEXT_DIM,
  createRecommendationsService,
  HISTORY_DIM,
  ITEM_DIM,
  MODEL_KIND,
  PAIR_DIM,
  RECS_COLLECTIONS,
  seededRandom,
  serialiseWeights,
  simulateProducts,
} from "@varai/recommendations";
import { COLLECTIONS, cacheKeys } from "@varai/runtime";
import { FACE_SHAPES } from "@varai/schema";
import { createTestRuntime } from "@varai/testkit";

const SIZES = [1_000, 10_000, 100_000];
const REQUESTS = 300;
const WARMUP = 30;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(percentile(sorted, 0.5)), p95: r(percentile(sorted, 0.95)), max: r(sorted.at(-1) ?? 0) };
};

const results: Record<string, unknown> = {};
for (const size of SIZES) {
  const tenantId = `ten_bench${size}`;
  const deps = createTestRuntime();
  const products = simulateProducts({ tenantId, products: size, shoppers: 0, seed: 5 });
  await deps.store.tenantCollection(COLLECTIONS.products).insertMany(tenantId, products as never);
  await deps.cache.increment(cacheKeys.catalogVersion(tenantId), 1, 86_400_000);

  // An active model (random weights: latency does not depend on their values) and a shopper history.
  const random = seededRandom(9);
  const factors = 32;
  const fill = (n: number) => Float32Array.from({ length: n }, () => (random() - 0.5) * 0.1);
  await deps.store.tenantCollection(RECS_COLLECTIONS.mlModels).insertOne(tenantId, {
    id: "mdl_bench",
    kind: MODEL_KIND,
    version: 1,
    status: "active",
    trainedAt: new Date().toISOString(),
    dataFrom: null,
    dataTo: null,
    metrics: {},
    weights: serialiseWeights({
      factors,
      itemLinear: fill(ITEM_DIM),
      pair: fill(PAIR_DIM),
      contextFactors: fill(CONTEXT_DIM * factors),
      historyFactors: fill(HISTORY_DIM * factors),
      itemFactors: fill(ITEM_DIM * factors),
    }),
    popularity: { ids: products.slice(0, 5000).map((p) => p.id), values: products.slice(0, 5000).map(() => random()) },
  } as never);
  await deps.store.tenantCollection(COLLECTIONS.analyticsEvents).insertMany(
    tenantId,
    Array.from({ length: 15 }, (_, i) => ({
      id: `evt_bench${i}`,
      type: "try_on_rendered",
      sessionId: "ses_bench",
      shopperId: "shp_bench",
      productId: products[i * 7]?.id,
      occurredAt: new Date(Date.now() - i * 60_000).toISOString(),
      properties: {},
      expiresAt: new Date(Date.now() + 86_400_000),
    })) as never,
  );

  const service = createRecommendationsService(deps, { retrainIntervalMs: null });
  const request = (i: number) => ({
    measurements: { pupillaryDistanceMm: 56 + (i % 40) * 0.5, faceWidthMm: 125 + (i % 31), faceLengthMm: 180 },
    faceShape: FACE_SHAPES[i % FACE_SHAPES.length],
    limit: 10,
    filters: {},
    shopperId: "shp_bench",
    consent: true,
  });
  const coldStart = performance.now();
  await service.recommend(tenantId, request(0));
  const coldMs = performance.now() - coldStart;

  const compute: number[] = [];
  for (let i = 1; i <= WARMUP + REQUESTS; i++) {
    const t0 = performance.now();
    // Distinct profiles (and face-width bins) so that each request misses the result cache.
    await service.recommend(tenantId, request(i * 1000 + i));
    if (i > WARMUP) compute.push(performance.now() - t0);
  }
  const cached: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const t0 = performance.now();
    await service.recommend(tenantId, request(7));
    if (i > WARMUP) cached.push(performance.now() - t0);
  }
  results[String(size)] = {
    products: size,
    firstRequestMs: Math.round(coldMs),
    compute: summary(compute),
    cached: summary(cached),
  };
  await deps.close();
}
console.log(
  JSON.stringify({ unit: "ms", requestsPerSize: REQUESTS, targets: { p95At10k: 10, p95At100k: 50 }, results }, null, 2),
);
