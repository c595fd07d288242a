// pnpm bench:webhooks — verified Shopify webhook intake on the embedded defaults.
//
// The parent runs the catalog service in-process (createHttpApp, in-memory store, memory
// cache/queue, its worker consuming) with one simulated Shopify connection. A forked child fires
// correctly signed `products/update` deliveries with autocannon at concurrency 50, each with a
// fresh X-Shopify-Event-Id (the dedupe key; the HMAC covers the body only), so every delivery
// is verified, deduped, recorded and enqueued. Prints JSON:
//   verifiedDeliveriesPerSec  200 "accepted" answers per second
//   ackLatencyMs              p50 / p99 / max of the acknowledgement
// Targets (issue 6): >= 2 000 deliveries/s and p99 <= 25 ms.
// Options (env): BENCH_DURATION_S (default 10), BENCH_CONNECTIONS (default 50).
// Relative imports: @varai/testkit and @varai/catalog are not dependencies of scripts/ yet.
import { fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createCatalogService } from "@varai/catalog";
import { createHttpApp, createSecretBox, noopLogger, setPrincipal } from "@varai/runtime";
import { createShopifySim, createTestRuntime } from "@varai/testkit";
import autocannon from "autocannon";

const TENANT = "ten_bench";

async function runClient(
  url: string,
  durationS: number,
  connections: number,
  headers: Record<string, string>,
  body: string,
) {
  const result = await autocannon({
    url: `${url}/webhooks/shopify`,
    method: "POST",
    connections,
    duration: durationS,
    headers,
    body,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, "x-shopify-event-id": randomUUID(), "x-shopify-webhook-id": randomUUID() },
        }),
      },
    ],
  });
  process.send?.({
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
    latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  });
}

async function main() {
  if (process.argv[2] === "client") {
    const [, , , url, duration, conns, headers, body] = process.argv;
    await runClient(url!, Number(duration), Number(conns), JSON.parse(headers!), body!);
    return;
  }
  const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  const sim = createShopifySim({ products: 5 });
  const deps = createTestRuntime();
  const service = createCatalogService(deps, {
    publicBaseUrl: "https://varai.example",
    secretBox: createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" }),
    shopifyApiSecret: sim.apiSecret,
    autoSync: false,
    reconcileIntervalMs: 0,
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
  const created = await fetch(`${url}/v1/connections`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      platform: "shopify",
      name: "bench",
      shopDomain: sim.shopDomain,
      apiBaseUrl: "http://127.0.0.1:9",
      credentials: { accessToken: sim.accessToken },
    }),
  });
  if (created.status !== 201) throw new Error(`connection: ${created.status} ${await created.text()}`);

  const webhook = sim.webhook("products/update", { index: 0 });
  const child = fork(fileURLToPath(import.meta.url), [
    "client",
    url,
    String(durationS),
    String(connections),
    JSON.stringify(webhook.headers),
    webhook.body.toString("utf8"),
  ]);
  const result = await new Promise<{
    ok: number;
    non2xx: number;
    errors: number;
    durationS: number;
    latency: { p50: number; p99: number; max: number };
  }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as never));
    child.once("error", reject);
  });
  child.kill();
  await service.stop?.();
  server.close();
  const perSec = Math.round(result.ok / result.durationS);
  console.log(
    JSON.stringify(
      {
        bench: "webhooks",
        platform: "shopify",
        connections,
        durationS: result.durationS,
        verifiedDeliveries: result.ok,
        verifiedDeliveriesPerSec: perSec,
        non2xx: result.non2xx,
        errors: result.errors,
        ackLatencyMs: result.latency,
        bodyBytes: webhook.body.length,
        targets: { deliveriesPerSec: 2000, p99Ms: 25 },
        meetsTargets: perSec >= 2000 && result.latency.p99 <= 25,
      },
      null,
      2,
    ),
  );
  await deps.close();
  process.exit(0);
}

await main();
