// pnpm bench:backfill — a full backfill of 10 000 products per platform from the simulator,
// through the catalog service on the embedded defaults (connection -> sync run -> adapter ->
// governor -> last-writer-wins writes). Prints JSON per platform:
//   productsPerSec     products stored per second of the run
//   ceilingFraction    minimal time the simulator's rate limit allows / actual time (target >= 0.9)
// Shopify: cost bucket (1000 points, restore BENCH_SHOPIFY_RESTORE points/s, 1 point per product
// plus 2 per query, pages of 250). WooCommerce: a host limit of BENCH_WOO_RPS requests/s
// (token bucket of that size), pages of 100, simple products (one request per page).
// Options (env): BENCH_PRODUCTS (default 10000).
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createCatalogService } from "@varai/catalog";
import { createHttpApp, createSecretBox, noopLogger, setPrincipal } from "@varai/runtime";
import { createTestRuntime, startPlatformSimulator } from "@varai/testkit";

const TENANT = "ten_bench";
const N = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const SHOPIFY_RESTORE = Number(process.env.BENCH_SHOPIFY_RESTORE ?? 1000);
const SHOPIFY_BUCKET = 1000;
const WOO_RPS = Number(process.env.BENCH_WOO_RPS ?? 20);

async function backfill(platform: "shopify" | "woocommerce") {
  const sim = await startPlatformSimulator({
    shopify: { products: N, bucketSize: SHOPIFY_BUCKET, restoreRate: SHOPIFY_RESTORE, costPerProduct: 1 },
    woocommerce: { products: N, requestsPerSecond: WOO_RPS, variableFraction: 0 },
  });
  const deps = createTestRuntime();
  const service = createCatalogService(deps, {
    publicBaseUrl: "https://varai.example",
    secretBox: createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" }),
    shopifyApiSecret: sim.shopify.apiSecret,
    reconcileIntervalMs: 0,
    sync: { pageSize: 250 },
  });
  const app = createHttpApp({
    modules: [service],
    logger: noopLogger,
    authenticate: (_req, res, next) => {
      setPrincipal(res, {
        kind: "user",
        userId: "usr_bench",
        tenantId: TENANT,
        role: "tenant_admin",
        email: "b@e.nch",
      });
      next();
    },
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await service.start?.();
  const body =
    platform === "shopify"
      ? {
          platform,
          name: "bench",
          shopDomain: sim.shopify.shopDomain,
          apiBaseUrl: sim.baseUrl("shopify"),
          credentials: { accessToken: sim.shopify.accessToken },
        }
      : {
          platform,
          name: "bench",
          storeUrl: "https://store.example",
          apiBaseUrl: sim.baseUrl("woocommerce"),
          credentials: { consumerKey: sim.woocommerce.consumerKey, consumerSecret: sim.woocommerce.consumerSecret },
          webhookSecret: sim.woocommerce.webhookSecret,
        };
  const started = performance.now();
  const created = await fetch(`${url}/v1/connections`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const conn = (await created.json()) as { id: string; lastSync: { id: string } };
  let run!: { status: string; counts: Record<string, number>; startedAt: string; finishedAt: string | null };
  for (;;) {
    try {
      run = (await (
        await fetch(`${url}/v1/connections/${conn.id}/sync-runs/${conn.lastSync.id}`)
      ).json()) as typeof run;
    } catch {
      continue; // a keep-alive socket closed under us while the server was busy: poll again
    }
    if (run.status === "succeeded" || run.status === "failed") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  let minSeconds: number;
  let limit: string;
  if (platform === "shopify") {
    const pages = Math.ceil(N / 250);
    // Every query: shop currency (1) + pages (2 + 250) + webhook setup; only the pages matter at scale.
    const points = pages * 2 + N;
    minSeconds = Math.max(0, points - SHOPIFY_BUCKET) / SHOPIFY_RESTORE;
    limit = `cost bucket ${SHOPIFY_BUCKET} points, restore ${SHOPIFY_RESTORE}/s`;
  } else {
    const requests = Math.ceil(N / 100);
    minSeconds = Math.max(0, requests - WOO_RPS) / WOO_RPS;
    limit = `${WOO_RPS} requests/s (token bucket of ${WOO_RPS})`;
  }
  const stats = platform === "shopify" ? sim.shopify.stats : sim.woocommerce.stats;
  const result = {
    platform,
    products: N,
    status: run.status,
    counts: run.counts,
    seconds: Number(seconds.toFixed(2)),
    productsPerSec: Math.round(run.counts.upserted! / seconds),
    ceilingProductsPerSec: Math.round(N / minSeconds),
    ceilingFraction: Number((minSeconds / seconds).toFixed(3)),
    simulatorLimit: limit,
    throttledResponses: stats.throttled,
    apiRequests: stats.requests,
  };
  await service.stop?.();
  server.close();
  await sim.close();
  await deps.close();
  return result;
}

const results = [await backfill("shopify"), await backfill("woocommerce")];
console.log(JSON.stringify({ bench: "backfill", target: { ceilingFraction: 0.9 }, results }, null, 2));
process.exit(0);
