// pnpm bench:backfill — a full backfill of 10 000 products per platform from the simulator,
// through the catalog service on the embedded defaults (connection -> sync run -> adapter ->
// governor -> last-writer-wins writes). Prints JSON per platform:
//   productsPerSec     products stored per second of the run (connection created -> run finished)
//   minSeconds         the least time the SIMULATOR's rate limit allows for the product pages
//                      alone (formulas below; setup calls are our overhead and count against us)
//   ceilingFraction    minSeconds / actual seconds (target >= 0.9)
//   steadyCeilingProductsPerSec  the simulator's own ceilingProductsPerSecond(pageSize)
// Limits (each simulator's limiter, modelled exactly):
//   Shopify      cost bucket BENCH_SHOPIFY_BUCKET (1000) points restored at BENCH_SHOPIFY_RESTORE (1000)/s,
//                1 point per product + 2 per query, pages of 250; starts full:
//                min = max(0, pages * 2 + N - bucket) / restore
//   WooCommerce  host token bucket of BENCH_WOO_RPS (20) requests refilled at that rate, pages of 100
//                (the REST maximum), simple products (one request per page); starts full:
//                min = max(0, pages - rps) / rps
//   Magento      the same host token bucket at BENCH_MAGENTO_RPS (10), pages of 100 (the adapter's
//                default page size); same formula
//   BigCommerce  a fixed window of BENCH_BC_QUOTA (15) requests per BENCH_BC_WINDOW_MS (3000) ms that
//                restarts at the first request after it ends (the Standard plan's 150 / 30 s scaled
//                down 10x: at the real size a 40-page backfill never meets the quota), pages of 250;
//                the first window is full: min = (ceil(pages / quota) - 1) * window
// Options (env): BENCH_PRODUCTS (default 10000), BENCH_PLATFORMS (comma list, default all four).
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { createCatalogService } from "@varai/catalog";
import { createGuardedFetch, createSecretBox } from "@varai/runtime";
import {
  createTestRuntime,
  type SimulatedPlatformName,
  serveModules,
  startPlatformSimulator,
  tenantAdmin,
} from "@varai/testkit";

const TENANT = "ten_bench";
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const N = env("BENCH_PRODUCTS", 10_000);
const SHOPIFY = { bucket: env("BENCH_SHOPIFY_BUCKET", 1000), restore: env("BENCH_SHOPIFY_RESTORE", 1000) };
const WOO_RPS = env("BENCH_WOO_RPS", 20);
const MAGENTO_RPS = env("BENCH_MAGENTO_RPS", 10);
const BC = { quota: env("BENCH_BC_QUOTA", 15), windowMs: env("BENCH_BC_WINDOW_MS", 3000) };
/** Page size per platform: each adapter's maximum, except Magento's documented default of 100. */
const PAGE_SIZE: Record<SimulatedPlatformName, number> = {
  shopify: 250,
  woocommerce: 100,
  magento: 100,
  bigcommerce: 250,
};

function minSecondsFor(platform: SimulatedPlatformName): { minSeconds: number; limit: string } {
  const pages = Math.ceil(N / PAGE_SIZE[platform]);
  switch (platform) {
    case "shopify":
      return {
        minSeconds: Math.max(0, pages * 2 + N - SHOPIFY.bucket) / SHOPIFY.restore,
        limit: `cost bucket ${SHOPIFY.bucket} points, restore ${SHOPIFY.restore}/s, ${2 + PAGE_SIZE.shopify} points per page`,
      };
    case "woocommerce":
      return { minSeconds: Math.max(0, pages - WOO_RPS) / WOO_RPS, limit: `token bucket ${WOO_RPS} requests/s` };
    case "magento":
      return {
        minSeconds: Math.max(0, pages - MAGENTO_RPS) / MAGENTO_RPS,
        limit: `token bucket ${MAGENTO_RPS} requests/s`,
      };
    case "bigcommerce":
      return {
        minSeconds: ((Math.ceil(pages / BC.quota) - 1) * BC.windowMs) / 1000,
        limit: `fixed window ${BC.quota} requests per ${BC.windowMs} ms`,
      };
  }
}

async function backfill(platform: SimulatedPlatformName) {
  const only = { products: N, variableFraction: 0 };
  const sim = await startPlatformSimulator({
    ...(platform === "shopify"
      ? { shopify: { ...only, bucketSize: SHOPIFY.bucket, restoreRate: SHOPIFY.restore, costPerProduct: 1 } }
      : {}),
    ...(platform === "woocommerce" ? { woocommerce: { ...only, requestsPerSecond: WOO_RPS } } : {}),
    ...(platform === "magento" ? { magento: { ...only, requestsPerSecond: MAGENTO_RPS } } : {}),
    ...(platform === "bigcommerce" ? { bigcommerce: { ...only, quota: BC.quota, windowMs: BC.windowMs } } : {}),
  });
  const deps = createTestRuntime();
  const service = createCatalogService(deps, {
    publicBaseUrl: "https://varai.example",
    secretBox: createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" }),
    shopifyApiSecret: sim.shopify.apiSecret,
    bigcommerce: { clientId: "bench", clientSecret: sim.bigcommerce.clientSecret },
    reconcileIntervalMs: 0,
    sync: { pageSize: PAGE_SIZE[platform] },
    // The simulator is on http://127.0.0.1: opt in, as VARAI_ALLOW_PRIVATE_UPSTREAMS does.
    fetch: createGuardedFetch({ allowHttp: true, allowPrivateAddresses: true }),
  });
  const server = await serveModules({ modules: [service], principal: tenantAdmin(TENANT) });
  const { url } = server;
  await service.start?.();
  // Connection bodies as the adapters' READMEs describe them (identity, credentials, secret).
  const bodies: Record<SimulatedPlatformName, Record<string, unknown>> = {
    shopify: {
      shopDomain: sim.shopify.shopDomain,
      credentials: { accessToken: sim.shopify.accessToken },
    },
    woocommerce: {
      storeUrl: "https://store.example",
      credentials: { consumerKey: sim.woocommerce.consumerKey, consumerSecret: sim.woocommerce.consumerSecret },
      webhookSecret: sim.woocommerce.webhookSecret,
    },
    magento: {
      storeUrl: "https://magento.example",
      storeCode: sim.magento.storeCode,
      credentials: {
        consumerKey: sim.magento.consumerKey,
        consumerSecret: sim.magento.consumerSecret,
        accessToken: sim.magento.accessToken,
        accessTokenSecret: sim.magento.accessTokenSecret,
      },
      webhookSecret: sim.magento.webhookSecret,
    },
    bigcommerce: { storeHash: sim.bigcommerce.storeHash, credentials: { accessToken: sim.bigcommerce.accessToken } },
  };
  const started = performance.now();
  const created = await fetch(`${url}/v1/connections`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ platform, name: "bench", apiBaseUrl: sim.baseUrl(platform), ...bodies[platform] }),
  });
  if (created.status !== 201) throw new Error(`${platform} connection: ${created.status} ${await created.text()}`);
  const conn = (await created.json()) as { id: string; lastSync: { id: string } };
  let run!: { status: string; counts: Record<string, number>; error: string | null };
  for (;;) {
    try {
      run = (await (
        await fetch(`${url}/v1/connections/${conn.id}/sync-runs/${conn.lastSync.id}`)
      ).json()) as typeof run;
    } catch {
      continue; // a keep-alive socket closed under us while the server was busy: poll again
    }
    if (run.status === "succeeded" || run.status === "failed") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const { minSeconds, limit } = minSecondsFor(platform);
  const stats = sim[platform].stats;
  const pageRequests = sim[platform].store.requestLog.filter((l) =>
    /^(shopify .*VaraiProducts|woocommerce GET \/products |magento GET \/products |bigcommerce GET \/v3\/catalog\/products )/.test(
      l,
    ),
  ).length;
  const result = {
    platform,
    products: N,
    pageSize: PAGE_SIZE[platform],
    status: run.status,
    ...(run.error ? { error: run.error } : {}),
    counts: run.counts,
    seconds: Number(seconds.toFixed(2)),
    productsPerSec: Math.round((run.counts.upserted ?? 0) / seconds),
    minSeconds: Number(minSeconds.toFixed(2)),
    ceilingFraction: Number((minSeconds / seconds).toFixed(3)),
    steadyCeilingProductsPerSec: Math.round(sim[platform].ceilingProductsPerSecond(PAGE_SIZE[platform])),
    simulatorLimit: limit,
    throttledResponses: stats.throttled,
    apiRequests: stats.requests,
    pageRequests,
  };
  await service.stop?.();
  await server.close();
  await sim.close();
  await deps.close();
  return result;
}

const wanted = (process.env.BENCH_PLATFORMS ?? "shopify,woocommerce,magento,bigcommerce").split(
  ",",
) as SimulatedPlatformName[];
const results = [];
for (const platform of wanted) results.push(await backfill(platform));
process.stdout.write(
  `${JSON.stringify(
    {
      bench: "backfill",
      target: { ceilingFraction: 0.9 },
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
      results,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
