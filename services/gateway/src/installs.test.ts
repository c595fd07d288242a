import { newAppKey } from "@varai/auth";
import { INSTALLS_COLLECTIONS } from "@varai/installs";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestGateway, stopTestGateway, type TestGateway } from "./test-helpers.ts";

/**
 * Platform app installs through the real gateway (HTTP, app keys, auth and catalog for real)
 * against the platform simulator: provisioning, idempotence, sessions for platform users,
 * uninstall and reinstall, link codes, and what an app key can and cannot do.
 */
const SHOPIFY_KEY = newAppKey("shopify");
const BIGCOMMERCE_KEY = newAppKey("bigcommerce");
const ADMIN = { email: "installs@varai.test", password: "installs-test-password-01" };

let gateway: TestGateway;
let sim: PlatformSimulator;

const app = (key: string) => ({ "x-varai-app-key": key });
const shopifyBody = (country?: string) => ({
  ...(country ? { country } : {}),
  connection: {
    platform: "shopify",
    name: "Sim Shop",
    shopDomain: sim.shopify.shopDomain,
    apiBaseUrl: sim.baseUrl("shopify"),
    credentials: { accessToken: sim.shopify.accessToken },
  },
});
const shopPath = () => `/v1/installs/shopify/${sim.shopify.shopDomain}`;

beforeAll(async () => {
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_APP_KEYS: `shopify=${SHOPIFY_KEY},bigcommerce=${BIGCOMMERCE_KEY}`,
    SHOPIFY_API_SECRET: "shopify-app-secret-for-installs",
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  sim = await startPlatformSimulator({ shopify: { products: 3 } });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
});

describe("platform app installs", () => {
  it("provisions a store once: tenant in the store's region, connection synced, publishable key that works", async () => {
    const first = await gateway.call("PUT", shopPath(), undefined, shopifyBody("DE"), app(SHOPIFY_KEY));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ platform: "shopify", region: "eu", status: "active", created: true });
    expect(first.body.publishableKey).toMatch(/^pk_/);

    const again = await gateway.call("PUT", shopPath(), undefined, shopifyBody("DE"), app(SHOPIFY_KEY));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      tenantId: first.body.tenantId,
      connectionId: first.body.connectionId,
      publishableKey: first.body.publishableKey,
      created: false,
    });

    const session = await gateway.call("POST", `${shopPath()}/sessions`, undefined, { userId: "42" }, app(SHOPIFY_KEY));
    expect(session.status).toBe(201);
    expect(session.body.tenantId).toBe(first.body.tenantId);
    // The session is a tenant admin of exactly that tenant, on the normal API: the backfill ran.
    await vi.waitFor(
      async () => {
        const products = await gateway.call("GET", "/v1/products", session.body.accessToken);
        expect(products.body.items?.length).toBe(3);
      },
      { timeout: 20_000, interval: 200 },
    );
    const tenants = await gateway.call("GET", `/v1/tenants/${first.body.tenantId}`, session.body.accessToken);
    expect(tenants.body).toMatchObject({ region: "eu", name: "Sim Shop" });
    // The storefront key answers the widget config.
    const config = await fetch(`${gateway.base}/widget/config`, {
      headers: { "x-varai-key": first.body.publishableKey },
    });
    expect(config.status).toBe(200);
  });

  it("refuses anything but its own app's key, on its own platform's stores, and an app key on any other route", async () => {
    const none = await gateway.call("GET", shopPath());
    expect(none.status).toBe(401);
    const forged = await gateway.call("GET", shopPath(), undefined, undefined, app(newAppKey("shopify")));
    expect(forged.status).toBe(401);
    const otherApp = await gateway.call("GET", shopPath(), undefined, undefined, app(BIGCOMMERCE_KEY));
    expect(otherApp.status).toBe(403);
    for (const url of ["/v1/products", "/v1/connections", "/v1/tenants", "/v1/installs/link-codes"]) {
      const method = url.endsWith("link-codes") ? "POST" : "GET";
      const answer = await gateway.call(method, url, undefined, undefined, app(SHOPIFY_KEY));
      expect(answer.status, url).toBe(401);
    }
    const mismatch = await gateway.call(
      "PUT",
      "/v1/installs/shopify/other-shop.myshopify.com",
      undefined,
      shopifyBody(),
      app(SHOPIFY_KEY),
    );
    expect(mismatch.status).toBe(400);
    const malformed = await gateway.call("PUT", "/v1/installs/shopify/UPPER%20CASE", undefined, {}, app(SHOPIFY_KEY));
    expect(malformed.status).toBe(400);
    const unknown = await gateway.call(
      "GET",
      "/v1/installs/bigcommerce/abcd1234",
      undefined,
      undefined,
      app(BIGCOMMERCE_KEY),
    );
    expect(unknown.status).toBe(404);
  });

  it("audits the app's calls under the store's tenant, refused ones too", async () => {
    const root = await gateway.call("POST", "/v1/auth/login", undefined, ADMIN);
    const install = await gateway.call("GET", shopPath(), undefined, undefined, app(SHOPIFY_KEY));
    const audit = await gateway.call("GET", "/v1/audit?limit=50", root.body.accessToken, undefined, {
      "x-varai-tenant": install.body.tenantId,
    });
    expect(audit.status).toBe(200);
    const actions = audit.body.items.map((e: { action: string; outcome: string; actor: { kind: string } }) => [
      e.action,
      e.outcome,
      e.actor.kind,
    ]);
    expect(actions).toContainEqual(["installs.install", "success", "app"]);
    expect(actions).toContainEqual(["installs.session", "success", "app"]);
    expect(actions).toContainEqual(["installs.read", "failure", "app"]);
  });

  it("uninstall stops the store and revokes the key; a replay is a no-op; a reinstall comes back with a new key", async () => {
    const before = await gateway.call("GET", shopPath(), undefined, undefined, app(SHOPIFY_KEY));
    const oldKey = before.body.publishableKey;
    const gone = await gateway.call("DELETE", shopPath(), undefined, undefined, app(SHOPIFY_KEY));
    expect(gone.body).toEqual({ status: "uninstalled", changed: true });
    const replay = await gateway.call("DELETE", shopPath(), undefined, undefined, app(SHOPIFY_KEY));
    expect(replay.body).toEqual({ status: "uninstalled", changed: false });
    const view = await gateway.call("GET", shopPath(), undefined, undefined, app(SHOPIFY_KEY));
    expect(view.body).toMatchObject({ status: "uninstalled", publishableKey: null });
    const config = await fetch(`${gateway.base}/widget/config`, { headers: { "x-varai-key": oldKey } });
    expect(config.status).toBe(401);
    const session = await gateway.call("POST", `${shopPath()}/sessions`, undefined, {}, app(SHOPIFY_KEY));
    expect(session.status).toBe(404);
    // Nothing calls the store any more: a sync of the uninstalled connection is refused.
    const root = await gateway.call("POST", "/v1/auth/login", undefined, ADMIN);
    const calls = sim.shopify.stats.requests;
    const sync = await gateway.call(
      "POST",
      `/v1/connections/${before.body.connectionId}/sync`,
      root.body.accessToken,
      { mode: "full" },
      { "x-varai-tenant": before.body.tenantId },
    );
    expect(sync.status).toBeGreaterThanOrEqual(400);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.shopify.stats.requests).toBe(calls);
    const back = await gateway.call("PUT", shopPath(), undefined, shopifyBody("DE"), app(SHOPIFY_KEY));
    expect(back.body).toMatchObject({ tenantId: before.body.tenantId, status: "active", created: false });
    expect(back.body.publishableKey).toMatch(/^pk_/);
    expect(back.body.publishableKey).not.toBe(oldKey);
  });

  it("a user removed from the app gets no more sessions of the tenant", async () => {
    const first = await gateway.call("POST", `${shopPath()}/sessions`, undefined, { userId: "7" }, app(SHOPIFY_KEY));
    expect(first.status).toBe(201);
    const removed = await gateway.call("DELETE", `${shopPath()}/users/7`, undefined, undefined, app(SHOPIFY_KEY));
    expect(removed.body).toEqual({ removed: true });
    const again = await gateway.call("DELETE", `${shopPath()}/users/7`, undefined, undefined, app(SHOPIFY_KEY));
    expect(again.body).toEqual({ removed: false });
    // Removing releases the identity: opening again makes a fresh user.
    const next = await gateway.call("POST", `${shopPath()}/sessions`, undefined, { userId: "7" }, app(SHOPIFY_KEY));
    expect(next.status).toBe(201);
    expect((await gateway.call("GET", "/v1/connections", next.body.accessToken)).status).toBe(200);
    // The removed user's token dies within the session check's TTL (5 s).
    await vi.waitFor(
      async () => expect((await gateway.call("GET", "/v1/connections", first.body.accessToken)).status).toBe(401),
      { timeout: 10_000, interval: 250 },
    );
  });

  it("a first install cut short is finished by the next call, with no second tenant, connection or sync", async () => {
    const sim3 = await startPlatformSimulator({ shopify: { products: 2, shopDomain: "cut-short.myshopify.com" } });
    try {
      const path = "/v1/installs/shopify/cut-short.myshopify.com";
      const body = {
        connection: {
          platform: "shopify",
          name: "Cut short",
          shopDomain: "cut-short.myshopify.com",
          apiBaseUrl: sim3.baseUrl("shopify"),
          credentials: { accessToken: sim3.shopify.accessToken },
        },
      };
      const first = await gateway.call("PUT", path, undefined, body, app(SHOPIFY_KEY));
      expect(first.status).toBe(200);
      // As if the process had stopped after creating the connection, before recording the key.
      const installs = gateway.deps.store.globalCollection<{ id: string }>(INSTALLS_COLLECTIONS.installs);
      await installs.updateOne(
        { id: "shopify:cut-short.myshopify.com" },
        { $set: { state: "provisioning", keyId: null, publishableKeyCipher: null } },
      );
      const resumed = await gateway.call("PUT", path, undefined, body, app(SHOPIFY_KEY));
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ tenantId: first.body.tenantId, connectionId: first.body.connectionId });
      const session = await gateway.call("POST", `${path}/sessions`, undefined, {}, app(SHOPIFY_KEY));
      const connections = await gateway.call("GET", "/v1/connections", session.body.accessToken);
      expect(connections.body.items.map((c: { id: string }) => c.id)).toEqual([first.body.connectionId]);
    } finally {
      await sim3.close();
    }
  });

  it("a link code joins a store to the tenant that made it, once", async () => {
    const root = await gateway.call("POST", "/v1/auth/login", undefined, ADMIN);
    const tenant = await gateway.call("POST", "/v1/tenants", root.body.accessToken, { name: "Linked", region: "us" });
    const code = await gateway.call("POST", "/v1/installs/link-codes", root.body.accessToken, undefined, {
      "x-varai-tenant": tenant.body.id,
    });
    expect(code.status).toBe(201);
    const sim2 = await startPlatformSimulator({ shopify: { products: 1, shopDomain: "second-shop.myshopify.com" } });
    try {
      const body = {
        linkCode: code.body.code,
        connection: {
          platform: "shopify",
          name: "Second shop",
          shopDomain: sim2.shopify.shopDomain,
          apiBaseUrl: sim2.baseUrl("shopify"),
          credentials: { accessToken: sim2.shopify.accessToken },
        },
      };
      const path = `/v1/installs/shopify/${sim2.shopify.shopDomain}`;
      const linked = await gateway.call("PUT", path, undefined, body, app(SHOPIFY_KEY));
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ tenantId: tenant.body.id, region: "us", created: true });
      const reuse = await gateway.call(
        "PUT",
        "/v1/installs/shopify/third-shop.myshopify.com",
        undefined,
        { ...body, connection: { ...body.connection, shopDomain: "third-shop.myshopify.com" } },
        app(SHOPIFY_KEY),
      );
      expect(reuse.status).toBe(401);
    } finally {
      await sim2.close();
    }
  });
});
