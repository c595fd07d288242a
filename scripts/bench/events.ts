// pnpm bench:events — analytics ingest end to end.
//
// The parent process runs the analytics service with its processor behind createHttpApp with a
// test principal, on the embedded default: store and durable queue in one SQLite file in a temp
// dir, memory cache (BENCH_BACKEND=sqlite, the default), or with the queue and cache on a real
// redis-server (testkit) and the store still embedded (BENCH_BACKEND=redis).
// A forked child fires POST /v1/events with autocannon (batches of 100 fresh events), so the
// load generator does not share the server's event loop. Prints JSON:
//   acceptedEventsPerSec  events accepted (202) per second while the load ran
//   endToEndEventsPerSec  accepted events / (first request -> last batch aggregated)
//   lagMs                 per batch, accept -> aggregates written (p50/p95/p99/max)
// Targets (issue 8): >= 20 000 events/s end to end, lag p95 <= 2 s.
//
// Options (env): BENCH_DURATION_S (default 15), BENCH_CONNECTIONS (default 16).
// Relative imports: @varai/testkit and @varai/analytics are not dependencies of scripts/ yet.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAnalyticsService } from "@varai/analytics";
import {
  createEmbeddedStore,
  createFsBlobStore,
  createMemoryCache,
  createMemoryRateLimiter,
  createPrivacyRegistry,
  createRedisCache,
  createRedisQueue,
  createSqliteQueue,
  noopLogger,
  QUEUES,
} from "@varai/runtime";
import { serveModules, startRedisServer } from "@varai/testkit";
import autocannon from "autocannon";

const BATCH = 100;
const TENANT = "ten_bench";
const TYPES = [
  "widget_shown",
  "product_viewed",
  "try_on_started",
  "try_on_rendered",
  "add_to_cart",
  "recommendation_shown",
];

/** A batch as a storefront relay would send it: 4 sessions, 25 events each, over 5 of 50 frames per session. */
function makeBody(requestNo: number, runId: string): string {
  const now = new Date().toISOString();
  const parts: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const session = i % 4;
    const product = (requestNo * 7 + session * 5 + (i % 5)) % 50;
    const type = TYPES[i % TYPES.length];
    parts.push(
      `{"id":"evt_${runId}_${requestNo}_${i}","type":"${type}","sessionId":"ses_${runId}_${requestNo}_${session}","productId":"prd_${product}","occurredAt":"${now}","properties":{"position":${i}}}`,
    );
  }
  return `{"events":[${parts.join(",")}]}`;
}

async function runClient(url: string, durationS: number, connections: number): Promise<void> {
  const runId = Math.random().toString(36).slice(2, 8);
  let requestNo = 0;
  const result = await autocannon({
    url,
    duration: durationS,
    connections,
    headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 (iPhone) Mobile" },
    requests: [
      {
        method: "POST",
        path: "/v1/events",
        setupRequest: (req) => ({ ...req, body: makeBody(requestNo++, runId) }),
      },
    ],
  });
  process.send?.({
    requests: result.requests.total,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

async function runServer(): Promise<void> {
  const durationS = Number(process.env.BENCH_DURATION_S ?? 15);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  const backend = process.env.BENCH_BACKEND ?? "sqlite";
  const dataDir = mkdtempSync(join(tmpdir(), "varai-bench-events-"));
  const file = join(dataDir, "varai.sqlite");
  const redis = backend === "redis" ? await startRedisServer({ url: null }) : null;
  const keyPrefix = `${redis?.keyPrefix}bench:`;
  const queue = redis ? createRedisQueue({ redis: redis.url, keyPrefix, pollMs: 200 }) : createSqliteQueue({ file });
  const cache = redis ? createRedisCache({ redis: redis.url, keyPrefix }) : createMemoryCache();
  const store = createEmbeddedStore({ file });
  const loadBefore = loadavg()[0]!;
  const lags: number[] = [];
  let aggregatedEvents = 0;
  let lastProcessedAt = 0;
  const service = createAnalyticsService(
    {
      store,
      cache,
      queue,
      rateLimiter: createMemoryRateLimiter(),
      blobs: createFsBlobStore({ dir: "/tmp/varai-bench-events-blobs" }),
      logger: noopLogger,
      clock: () => new Date(),
      privacy: createPrivacyRegistry(),
    },
    {
      processor: {
        concurrency: Number(process.env.BENCH_PROCESSOR_CONCURRENCY ?? 32),
        onProcessed: (r) => {
          lags.push(r.processedAt.getTime() - Date.parse(r.receivedAt));
          aggregatedEvents += r.counted;
          lastProcessedAt = r.processedAt.getTime();
        },
      },
    },
  );
  await service.start?.();
  const server = await serveModules({
    modules: [service],
    principal: { kind: "storefront", tenantId: TENANT, keyId: "key_bench", origin: null },
  });
  const { url } = server;

  const startedAt = Date.now();
  const child = fork(fileURLToPath(import.meta.url), ["--client", url, String(durationS), String(connections)], {
    execArgv: process.execArgv,
  });
  const client = await new Promise<{
    requests: number;
    ok: number;
    non2xx: number;
    errors: number;
    timeouts: number;
    durationS: number;
    latencyMs: { p50: number; p99: number };
  }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as never));
    child.once("exit", (code) => code !== 0 && reject(new Error(`client exited with ${code}`)));
  });

  const acceptedEvents = client.ok * BATCH;
  const drainDeadline = Date.now() + 120_000;
  while ((await queue.depth(QUEUES.analyticsEvents)) > 0 && Date.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const endToEndS = (lastProcessedAt - startedAt) / 1000;
  lags.sort((a, b) => a - b);
  const report = {
    bench: "events",
    backend: redis ? "redis queue + cache, embedded SQLite store" : "embedded SQLite store + durable queue (one file)",
    loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
    batchSize: BATCH,
    connections,
    durationS: client.durationS,
    requests: client.requests,
    accepted202: client.ok,
    rejectedNon2xx: client.non2xx,
    errors: client.errors + client.timeouts,
    acceptedEvents,
    aggregatedEvents,
    acceptedEventsPerSec: Math.round(acceptedEvents / client.durationS),
    endToEndEventsPerSec: Math.round(aggregatedEvents / endToEndS),
    requestLatencyMs: client.latencyMs,
    lagMs: { p50: quantile(lags, 0.5), p95: quantile(lags, 0.95), p99: quantile(lags, 0.99), max: lags.at(-1) ?? null },
    deadLetters: (await queue.deadLetters(QUEUES.analyticsEvents)).length,
    targets: { endToEndEventsPerSec: 20_000, lagP95Ms: 2000 },
  };
  console.log(JSON.stringify(report, null, 2));

  await server.close();
  await service.stop?.();
  await queue.close();
  await cache.close();
  await store.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

if (process.argv[2] === "--client") {
  await runClient(process.argv[3] as string, Number(process.argv[4]), Number(process.argv[5]));
  process.exit(0);
} else {
  await runServer();
}
