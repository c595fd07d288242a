// pnpm bench:store — the embedded store (SQLite) at the size a busy merchant reaches:
// 5 million analytics events over 90 days and 100 000 products in one tenant.
//
// Generate (once; reused while BENCH_STORE_FILE exists with the same shape): 100 000 products
// (95 % active, 3 % draft, 2 % deleted), then 90 days of shopper sessions of 25 events each over 5
// products chosen with a popularity skew (the product at rank r is picked with weight ~ 1/r), with
// the raw events, the daily per-product aggregates and the session-day docs the analytics
// processor would write for them (written directly, in the processor's shapes: this bench is
// about reading them back).
// Measure, in a fresh child process (`--measure`), serving the real routes over HTTP (catalog and
// analytics services, test principal):
//   startupMs          process start -> store opened, every collection declared, first query answered
//   productListMs      GET /v1/products?limit=25 (first page and pages after random cursors), p50/p95
//   summary90dFirstMs  the first GET /v1/analytics/summary over the last 90 days in this process
//                      (on a file no summary ran on yet, it also groups every day's sessions once
//                      and keeps them in analytics_funnel_days: later processes find them)
//   summary90dMs       the summaries after it, p50/p95
//   rssMb              the process's peak resident set
// Targets (issue 15): RSS <= 600 MB, list page p95 <= 20 ms, summary p95 <= 100 ms, start-up <= 3 s.
// Options (env): BENCH_STORE_FILE (default /tmp/varai-bench-store/varai.sqlite), BENCH_EVENTS
// (5 000 000), BENCH_PRODUCTS (100 000), BENCH_ROUNDS (list pages, 200), BENCH_SUMMARIES (50, after the first).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ANALYTICS_COLLECTIONS, createAnalyticsService } from "@varai/analytics";
import { createCatalogService } from "@varai/catalog";
import { COLLECTIONS, createEmbeddedStore, createSecretBox } from "@varai/runtime";
import { createTestRuntime, seededRandom, serveModules, tenantAdmin } from "@varai/testkit";

const startedAt = performance.now();
const TENANT = "ten_bench";
const FILE = process.env.BENCH_STORE_FILE ?? "/tmp/varai-bench-store/varai.sqlite";
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const DAYS = 90;
const EVENTS_PER_SESSION = 25;
const PRODUCTS_PER_SESSION = 5;
const SHAPE = `v1:${EVENTS}:${PRODUCTS}:${DAYS}`;
const DAY_MS = 86_400_000;

const META = { name: "bench_meta", scope: "global" } as const;

const TYPES = [
  ["widget_shown", "widgetShown"],
  ["product_viewed", "productViewed"],
  ["try_on_started", "tryOnStarted"],
  ["try_on_rendered", "tryOnRendered"],
  ["recommendation_shown", "recommendationShown"],
  ["add_to_cart", "addToCart"],
] as const;

async function generate(): Promise<void> {
  mkdirSync(dirname(FILE), { recursive: true });
  const store = createEmbeddedStore({ file: FILE });
  const meta = store.globalCollection<{ id: string; shape: string }>(META);
  if ((await meta.findById("shape"))?.shape === SHAPE) {
    await store.close();
    return;
  }
  if ((await meta.count()) > 0) throw new Error(`${FILE} holds another shape: delete it first`);
  const products = store.tenantCollection(COLLECTIONS.products);
  const events = store.tenantCollection(COLLECTIONS.analyticsEvents);
  const daily = store.tenantCollection(ANALYTICS_COLLECTIONS.daily);
  const sessionDays = store.tenantCollection(ANALYTICS_COLLECTIONS.sessionDays);
  const rand = seededRandom(15);
  const started = performance.now();
  const now = Date.now();
  const log = (what: string) =>
    process.stderr.write(`${what} after ${((performance.now() - started) / 1000).toFixed(0)} s\n`);

  for (let from = 0; from < PRODUCTS; from += 1000) {
    const docs = [];
    for (let i = from; i < Math.min(PRODUCTS, from + 1000); i++) {
      const roll = i % 100;
      const at = new Date(now - (i % 365) * DAY_MS).toISOString();
      docs.push({
        id: `prd_${String(i).padStart(6, "0")}`,
        source: { platform: "shopify", connectionId: "con_bench", externalId: String(7_000_000_000 + i) },
        title: `Frame ${i}`,
        handle: `frame-${i}`,
        brand: `Brand ${i % 40}`,
        productType: "Eyeglasses",
        categories: ["eyewear"],
        tags: ["acetate", i % 2 ? "round" : "square"],
        status: roll < 95 ? "active" : roll < 98 ? "draft" : "deleted",
        variants: [{ id: `var_${i}`, sku: `SKU-${i}`, price: 129.5, currency: "USD", available: true }],
        images: [{ url: `https://cdn.example/p/${i}.jpg`, alt: `Frame ${i}` }],
        frame: { dimensions: { lensWidth: 50, bridgeWidth: 20, templeLength: 145 }, shape: "round" },
        tryOn: { assetStatus: "ready" },
        merchandising: { pinned: false, boost: 1 },
        createdAt: at,
        updatedAt: at,
        deletedAt: roll >= 98 ? at : null,
        sync: { version: 1, receivedAt: at, contentHash: randomBytes(8).toString("hex") },
      });
    }
    await products.insertMany(TENANT, docs);
  }
  log(`${PRODUCTS} products`);

  const perDay = Math.floor(EVENTS / DAYS);
  let written = 0;
  for (let d = DAYS - 1; d >= 0; d--) {
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS - d * DAY_MS;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    const expiresAt = new Date(dayStart + DAYS * DAY_MS);
    const counts = new Map<string, Record<string, number>>();
    const bump = (productId: string, metric: string, by = 1) => {
      const row = counts.get(productId) ?? {};
      counts.set(productId, row);
      row[metric] = (row[metric] ?? 0) + by;
    };
    const sessionDocs = [];
    let batch = [];
    const sessions = Math.floor(perDay / EVENTS_PER_SESSION);
    for (let s = 0; s < sessions; s++) {
      const sessionId = `ses_${day}_${s}`;
      const touched = Array.from({ length: PRODUCTS_PER_SESSION }, () => {
        const rank = Math.floor(PRODUCTS ** rand()); // ~1/r popularity
        return `prd_${String(Math.min(PRODUCTS - 1, rank - 1)).padStart(6, "0")}`;
      });
      const flags = { widgetShown: 0, tryOnStarted: 0, tryOnRendered: 0, addToCart: 0 };
      for (let e = 0; e < EVENTS_PER_SESSION; e++) {
        const [type, metric] = TYPES[Math.floor(rand() * (e < 20 ? 5 : 6))]!;
        const productId = touched[e % PRODUCTS_PER_SESSION]!;
        const occurredAt = new Date(dayStart + Math.floor(rand() * DAY_MS)).toISOString();
        batch.push({
          id: `evt_${day}_${s}_${e}`,
          type,
          sessionId,
          productId,
          occurredAt,
          receivedAt: occurredAt,
          deviceClass: "mobile",
          region: "us",
          properties: { position: e },
          expiresAt,
          batchId: `bat_${day}_${s}`,
        });
        bump(productId, metric);
        bump("*", metric);
        if (metric in flags) flags[metric as keyof typeof flags] = 1;
      }
      for (const productId of new Set(touched)) bump(productId, "sessions");
      bump("*", "sessions");
      sessionDocs.push({
        id: `${day}:${sessionId}`,
        day,
        sessionId,
        createdBy: `bat_${day}_${s}`,
        products: Object.fromEntries(touched.map((p) => [p, `bat_${day}_${s}`])),
        ...flags,
        purchased: 0,
        seen: 1,
        v: 1,
        expiresAt,
      });
      if (batch.length >= 1000) {
        await events.insertMany(TENANT, batch);
        written += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) {
      await events.insertMany(TENANT, batch);
      written += batch.length;
    }
    for (let i = 0; i < sessionDocs.length; i += 1000)
      await sessionDays.insertMany(TENANT, sessionDocs.slice(i, i + 1000));
    const dailyDocs = [...counts].map(([productId, row]) => ({
      id: `${day}:${productId}`,
      day,
      productId,
      updatedAt: new Date(dayStart + DAY_MS - 1),
      ...row,
    }));
    for (let i = 0; i < dailyDocs.length; i += 1000) await daily.insertMany(TENANT, dailyDocs.slice(i, i + 1000));
    if (d % 10 === 0) log(`${written} events, ${day}`);
  }
  await meta.insertOne({ id: "shape", shape: SHAPE });
  log("generated");
  await store.close();
}

const quantiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
};

async function measure(): Promise<void> {
  let peakRss = process.memoryUsage().rss;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, 20);
  const openedAt = performance.now();
  const store = createEmbeddedStore({ file: FILE });
  const deps = createTestRuntime({ store });
  const catalog = createCatalogService(deps, {
    publicBaseUrl: "https://varai.example",
    secretBox: createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" }),
    autoSync: false,
    reconcileIntervalMs: 0,
  });
  const analytics = createAnalyticsService(deps, { processor: { enabled: false } });
  const server = await serveModules({ modules: [catalog, analytics], principal: tenantAdmin(TENANT) });
  const first = await fetch(`${server.url}/v1/products?limit=25`);
  if (first.status !== 200) throw new Error(`list: ${first.status} ${await first.text()}`);
  await first.arrayBuffer();
  const ready = performance.now();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 200);
  const rand = seededRandom(7);
  const timed = async (url: string) => {
    const t = performance.now();
    const response = await fetch(`${server.url}${url}`);
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body}`);
    sample();
    return { ms: performance.now() - t, body };
  };
  const list: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const after = i % 4 === 0 ? "" : `&after=prd_${String(Math.floor(rand() * PRODUCTS)).padStart(6, "0")}`;
    list.push((await timed(`/v1/products?limit=25${after}`)).ms);
  }
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - (DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const summaryUrl = `/v1/analytics/summary?from=${from}&to=${to}`;
  const firstSummary = await timed(summaryUrl);
  const summaries: number[] = [];
  let summaryBody = firstSummary.body;
  for (let i = 0; i < Number(process.env.BENCH_SUMMARIES ?? 50); i++) {
    const { ms, body } = await timed(`/v1/analytics/summary?from=${from}&to=${to}`);
    summaries.push(ms);
    summaryBody = body;
  }
  clearInterval(sampler);
  sample();
  const summary = JSON.parse(summaryBody) as { totals: Record<string, number>; topFrames: unknown[] };
  const listQ = quantiles(list);
  const summaryQ = quantiles(summaries);
  const startupMs = Math.round(ready);
  const rssMb = Math.round(peakRss / 1024 / 1024);
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: "store",
        file: FILE,
        shape: { events: EVENTS, products: PRODUCTS, days: DAYS },
        loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
        startupMs,
        storeOpenToFirstPageMs: Math.round(ready - openedAt),
        productListMs: listQ,
        summary90dFirstMs: Math.round(firstSummary.ms),
        summary90dMs: summaryQ,
        summaryTotals: { productViewed: summary.totals.productViewed, sessions: summary.totals.sessions },
        rssMb,
        targets: { rssMb: 600, productListP95Ms: 20, summaryP95Ms: 100, startupMs: 3000 },
        meetsTargets: rssMb <= 600 && listQ.p95 <= 20 && summaryQ.p95 <= 100 && startupMs <= 3000,
      },
      null,
      2,
    )}\n`,
  );
  await server.close();
  await deps.close();
}

if (process.argv.includes("--measure")) {
  await measure();
  process.exit(0);
} else {
  const genStarted = performance.now();
  const existed = existsSync(FILE);
  await generate();
  process.stderr.write(
    `data ${existed ? "checked" : "generated"} in ${((performance.now() - genStarted) / 1000).toFixed(0)} s (${(
      (performance.now() - startedAt) / 1000
    ).toFixed(0)} s since start)\n`,
  );
  // Start-up and memory are measured in a fresh process that only opens the file, started as
  // `pnpm start` starts the gateway: Node 24 itself, stripping the types (no tsx loader).
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--measure"], {
    stdio: "inherit",
    env: process.env,
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  process.exit(code ?? 1);
}
