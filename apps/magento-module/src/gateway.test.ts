import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requirePhpTools, runInModuleAsync } from "./php.ts";

/**
 * Done-when: the module's PHP sender, run by php-cli with its real HTTP transport, against a
 * real gateway's webhook intake, for a Magento connection to the platform simulator. A product
 * event arrives, the adapter fetches the product from the simulator, the product appears.
 */

const ADMIN = { email: "root@varai.test", password: "root-password-for-magento-module-1" };
let gateway: TestGateway;
let sim: PlatformSimulator;
let token = "";
let tenantId = "";
let connectionId = "";

async function api(method: string, url: string, body?: unknown) {
  const res = await gateway.call(method, url, token, body, tenantId ? { "x-varai-tenant": tenantId } : {});
  return res;
}

interface ModuleRun {
  drain: { sent: number; retried: number; dead: number };
  rows: Array<{
    topic: string;
    status: string;
    attempts: number;
    last_http_status: number | null;
    last_error: string | null;
  }>;
  tests: Array<{ ok: boolean; status: number; message: string }>;
}

/** The module's observers, outbox and sender under php-cli, sending over HTTP to the gateway. */
async function runModule(
  actions: unknown[],
  overrides: { secret?: string; connectionId?: string; apiUrl?: string } = {},
): Promise<ModuleRun> {
  const scenario = {
    apiUrl: overrides.apiUrl ?? gateway.base,
    connectionId: overrides.connectionId ?? connectionId,
    secret: overrides.secret ?? sim.magento.webhookSecret,
    storeCode: "default",
    transport: "http",
    actions,
  };
  const run = await runInModuleAsync("php", ["Test/Cli/run-module.php"], JSON.stringify(scenario));
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as ModuleRun;
}

const productsByExternalId = async () => {
  const items: Array<{ id: string; title: string; status: string; source: { externalId: string } }> = [];
  for (const status of ["active", "draft", "deleted"]) {
    items.push(...(await api("GET", `/v1/products?limit=100&status=${status}`)).body.items);
  }
  return new Map(items.map((p) => [p.source.externalId, p]));
};

beforeAll(async () => {
  requirePhpTools(["php"]);
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    // The simulator listens on http://127.0.0.1.
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
    PORT: String(await freePort()),
  });
  sim = await startPlatformSimulator({ magento: { products: 4 } });
  token = (await gateway.call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  const tenant = await api("POST", "/v1/tenants", { name: "Magento Shop", region: "us" });
  expect(tenant.status).toBe(201);
  tenantId = String(tenant.body.id ?? tenant.body.tenant?.id);
  const connection = await api("POST", "/v1/connections", {
    platform: "magento",
    name: "Magento via the module",
    storeUrl: "https://magento.example",
    storeCode: sim.magento.storeCode,
    apiBaseUrl: sim.baseUrl("magento"),
    credentials: {
      consumerKey: sim.magento.consumerKey,
      consumerSecret: sim.magento.consumerSecret,
      accessToken: sim.magento.accessToken,
      accessTokenSecret: sim.magento.accessTokenSecret,
    },
    webhookSecret: sim.magento.webhookSecret,
  });
  expect(connection.status, JSON.stringify(connection.body)).toBe(201);
  connectionId = connection.body.id;
  await vi.waitFor(
    async () => {
      const c = (await api("GET", `/v1/connections/${connectionId}`)).body;
      expect(c.lastSync).toMatchObject({ status: "succeeded", counts: { upserted: 4, failed: 0 } });
    },
    { timeout: 60_000, interval: 250 },
  );
}, 120_000);

afterAll(async () => {
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
});

describe("the module's PHP sender against the gateway's intake", () => {
  it("Test connection: verified with the connection's secret; a wrong secret or id is named", async () => {
    expect((await runModule([{ do: "test" }])).tests).toEqual([
      { ok: true, status: 200, message: `Connected: VARAi verified the signature for connection ${connectionId}.` },
    ]);
    const [badSecret] = (await runModule([{ do: "test" }], { secret: "not-the-secret" })).tests;
    expect(badSecret).toMatchObject({ ok: false, status: 401 });
    expect(badSecret!.message).toContain("shared secret");
    const [badId] = (await runModule([{ do: "test" }], { connectionId: "con_missing" })).tests;
    expect(badId).toMatchObject({
      ok: false,
      status: 404,
      message: expect.stringContaining("has no connection con_missing"),
    });
  });

  it("a new and a changed product: the events arrive, the adapter fetches them, they appear", async () => {
    // The merchant adds a frame in Magento (sku with a slash: index 8 -> VR-8/B) and renames another.
    const template = sim.magento.store.products.get(3)!;
    sim.magento.store.products.set(8, {
      ...template,
      index: 8,
      title: "Added in Magento",
      handle: "added-in-magento",
      variants: template.variants.map((v) => ({ ...v, sku: "VR-8-0" })),
    });
    sim.magento.store.updateProduct(1, { title: "Renamed in Magento" });
    const added = sim.magento.restProduct(8) as { id: number; sku: string; updated_at: string };
    const renamed = sim.magento.restProduct(1) as { id: number; sku: string; updated_at: string };
    expect(added.sku).toBe("VR-8/B");

    const started = performance.now();
    const run = await runModule([
      { do: "save", id: added.id, sku: added.sku, updated_at: added.updated_at, new: true },
      { do: "save", id: renamed.id, sku: renamed.sku, updated_at: renamed.updated_at },
    ]);
    expect(run.drain).toEqual({ sent: 2, retried: 0, dead: 0, locked: false });
    expect(run.rows.map((r) => [r.topic, r.status, r.last_http_status])).toEqual([
      ["product.created", "sent", 200],
      ["product.updated", "sent", 200],
    ]);
    await vi.waitFor(
      async () => {
        const products = await productsByExternalId();
        expect(products.get(String(added.id))).toMatchObject({ title: "Added in Magento", status: "active" });
        expect(products.get(String(renamed.id))).toMatchObject({ title: "Renamed in Magento" });
      },
      { timeout: 20_000, interval: 100 },
    );
    console.log(
      `magento module -> product visible: ${Math.round(performance.now() - started)} ms (php-cli start included)`,
    );
    expect(sim.magento.store.requestLog.some((l) => l.startsWith("magento GET /products/VR-8%2FB"))).toBe(true);
  });

  it("a deleted product becomes a tombstone and an order is counted as a purchase", async () => {
    const run = await runModule([
      { do: "delete", id: 2002, sku: sim.magento.sku(2) },
      {
        do: "order",
        order: {
          id: 5001,
          increment_id: "000005001",
          order_currency_code: "USD",
          grand_total: "120.0000",
          created_at: new Date().toISOString().slice(0, 19).replace("T", " "),
          varai_session_id: "ses_module_1",
          items: [{ product_id: 2001, sku: sim.magento.sku(1), qty_ordered: "1.0000", price: "120.0000" }],
        },
      },
    ]);
    expect(run.rows.map((r) => [r.topic, r.status, r.last_http_status])).toEqual([
      ["product.deleted", "sent", 200],
      ["order.placed", "sent", 200],
    ]);
    await vi.waitFor(
      async () => expect((await productsByExternalId()).get("2002")).toMatchObject({ status: "deleted" }),
      { timeout: 20_000, interval: 100 },
    );
    // The order reached analytics as a purchase of 120 USD.
    await vi.waitFor(
      async () => {
        const summary = (await api("GET", "/v1/analytics/summary")).body;
        expect(summary.totals).toMatchObject({ revenue: { USD: 120 } });
      },
      { timeout: 20_000, interval: 200 },
    );
    const stats = (await api("GET", `/v1/connections/${connectionId}`)).body.webhookStats;
    expect(stats).toMatchObject({ accepted: 4, rejectedSignatures: 1 });
  });

  it("drains a backlog of 300 events in one run, each acknowledged (measured)", async () => {
    const actions = Array.from({ length: 300 }, (_, i) => ({
      do: "save",
      id: 2000 + (i % 4),
      sku: sim.magento.sku(i % 4),
    }));
    const started = performance.now();
    const run = await runModule(actions);
    const ms = performance.now() - started;
    expect(run.drain).toEqual({ sent: 300, retried: 0, dead: 0, locked: false });
    expect(new Set(run.rows.map((r) => r.last_http_status))).toEqual(new Set([200]));
    console.log(
      `magento module outbox drain: 300 events in ${Math.round(ms)} ms (${Math.round((300 / ms) * 1000)}/s, php-cli start included)`,
    );
  }, 60_000);

  it("a gateway that is down leaves the events to retry with backoff, not lost", async () => {
    const result = await runModule([{ do: "save", id: 2001, sku: sim.magento.sku(1) }], {
      apiUrl: "http://127.0.0.1:9",
    });
    expect(result.drain).toMatchObject({ sent: 0, retried: 1 });
    expect(result.rows[0]).toMatchObject({ status: "retry", attempts: 1, last_http_status: null });
    expect(result.rows[0]!.last_error).toMatch(/^network: /);
  });
});
