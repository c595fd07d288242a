import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closePorts } from "./ports.ts";
import { freePort, startTestGateway, type TestGateway } from "./test-helpers.ts";

/**
 * The whole gateway as production configures it (no VARAI_ALLOW_PRIVATE_UPSTREAMS): a tenant
 * admin cannot point a connection at loopback, a private network or the metadata service.
 */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };

let gateway: TestGateway;
let base = "";
let sim: PlatformSimulator;
let token = "";
let tenantId = "";

async function call(method: string, url: string, body?: unknown) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "x-varai-tenant": tenantId,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // No VARAI_ALLOW_PRIVATE_UPSTREAMS: the production default.
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    SHOPIFY_API_SECRET: "shopify-app-secret-for-upstreams",
    // The default install's simulated stores: their simulator's origin, and only it, is trusted.
    DEMO: "true",
    // The webhook URLs the catalog registers (http://localhost:<PORT>/webhooks/...) must reach it.
    PORT: String(await freePort()),
  });
  base = gateway.base;
  sim = await startPlatformSimulator({ shopify: { products: 2 } });

  const login = await fetch(`${base}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  token = ((await login.json()) as { accessToken: string }).accessToken;
  const tenant = await call("POST", "/v1/tenants", { name: "Upstream Shop", region: "us" });
  expect(tenant.status).toBe(201);
  tenantId = String(tenant.body.id ?? (tenant.body.tenant as { id: string }).id);
}, 120_000);

afterAll(async () => {
  if (!gateway) return;
  for (const m of [...gateway.modules].reverse()) await m.stop?.();
  await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
  await sim?.close();
  await closePorts(gateway.deps);
  await gateway.remove();
});

describe("connections on a production gateway (no private upstreams)", () => {
  it.each([
    ["the simulator on http://127.0.0.1", () => sim.baseUrl("shopify")],
    ["https on 127.0.0.1", () => "https://127.0.0.1:9443/shopify"],
    ["localhost", () => "https://localhost/shopify"],
    ["the metadata service", () => "https://169.254.169.254/latest/meta-data/"],
    ["IPv6 loopback", () => "https://[::1]/"],
  ])("refuses apiBaseUrl on %s with 400 UPSTREAM_REFUSED and stores nothing", async (_what, url) => {
    const res = await call("POST", "/v1/connections", {
      platform: "shopify",
      name: "Sneaky",
      shopDomain: sim.shopify.shopDomain,
      apiBaseUrl: url(),
      credentials: { accessToken: sim.shopify.accessToken },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: "INVALID_INPUT",
      reason: "UPSTREAM_REFUSED",
      issues: [{ path: "apiBaseUrl" }],
    });
    expect((await call("GET", "/v1/connections")).body.items).toEqual([]);
    expect(sim.shopify.stats.requests).toBe(0);
  });
});

describe("a simulated store on the default install (DEMO on)", () => {
  let simulatorOrigin = "";

  it("offers simulated stores for the platforms whose webhooks it can verify", async () => {
    const res = await call("GET", "/v1/demo/capabilities");
    expect(res.status).toBe(200);
    // No BIGCOMMERCE_CLIENT_SECRET here: no simulated BigCommerce.
    expect(res.body).toEqual({ simulatedStores: { platforms: ["shopify", "woocommerce", "magento"] } });
  });

  it("connects one through the catalog: the backfill completes and signed webhooks arrive", async () => {
    const res = await call("POST", "/v1/demo/simulated-stores", { platform: "shopify" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ platform: "shopify", name: "Simulated Shopify", status: "active" });
    simulatorOrigin = new URL(String(res.body.apiBaseUrl)).origin;
    expect(simulatorOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const id = String(res.body.id);
    await vi.waitFor(
      async () => {
        const connection = (await call("GET", `/v1/connections/${id}`)).body;
        expect(connection.lastSync).toMatchObject({ status: "succeeded", counts: { upserted: 36, failed: 0 } });
      },
      { timeout: 60_000, interval: 250 },
    );
    // The simulated shop changes a frame every few seconds and sends Shopify's signed webhook.
    await vi.waitFor(
      async () => {
        const connection = (await call("GET", `/v1/connections/${id}`)).body;
        expect((connection.webhookStats as { accepted: number }).accepted).toBeGreaterThan(0);
        expect((connection.webhookStats as { rejectedSignatures: number }).rejectedSignatures).toBe(0);
      },
      { timeout: 40_000, interval: 500 },
    );
    expect((await call("POST", "/v1/demo/simulated-stores", { platform: "shopify" })).status).toBe(409);
  }, 120_000);

  it("backfills a simulated Magento store too (offered without any platform secret)", async () => {
    const res = await call("POST", "/v1/demo/simulated-stores", { platform: "magento" });
    expect(res.status).toBe(201);
    // The same tenant, so the same simulator.
    expect(new URL(String(res.body.apiBaseUrl)).origin).toBe(simulatorOrigin);
    await vi.waitFor(
      async () => {
        const connection = (await call("GET", `/v1/connections/${String(res.body.id)}`)).body;
        expect(connection.lastSync).toMatchObject({ status: "succeeded", counts: { upserted: 36, failed: 0 } });
      },
      { timeout: 60_000, interval: 250 },
    );
  }, 90_000);

  it("still refuses a tenant's connection to loopback beside the simulator's origin", async () => {
    const port = Number(new URL(simulatorOrigin).port);
    for (const url of [`http://127.0.0.1:${port + 1}/woocommerce`, `http://localhost:${port}/woocommerce`]) {
      const res = await call("POST", "/v1/connections", {
        platform: "woocommerce",
        name: "Sneaky",
        storeUrl: "https://sneaky.example",
        apiBaseUrl: url,
        credentials: { consumerKey: "ck", consumerSecret: "cs" },
        webhookSecret: "ws",
      });
      expect(res.status, url).toBe(400);
      expect(res.body).toMatchObject({ reason: "UPSTREAM_REFUSED", issues: [{ path: "apiBaseUrl" }] });
    }
  });

  it("answers 501 for a platform whose webhooks it cannot verify and 400 for an unknown one", async () => {
    expect((await call("POST", "/v1/demo/simulated-stores", { platform: "bigcommerce" })).status).toBe(501);
    expect((await call("POST", "/v1/demo/simulated-stores", { platform: "etsy" })).status).toBe(400);
  });
});
