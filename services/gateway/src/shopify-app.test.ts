import { SHOPIFY_SESSIONS_COLLECTION } from "@varai/shopify-app";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ShopifyAppGateway, startShopifyAppGateway } from "./test-shopify-app.ts";

/**
 * The Shopify app mounted in the real gateway, against the simulator's Shopify (token exchange,
 * refresh, Admin GraphQL): install -> tenant, connection, key, backfill; a second install is a
 * no-op; refresh before expiry; uninstall through the webhook intake; reinstall; session-token
 * attacks; the bounce page and the embedded document.
 */
let h: ShopifyAppGateway;

const token = (options?: Parameters<ShopifyAppGateway["sim"]["shopify"]["app"]["sessionToken"]>[0]) =>
  h.sim.shopify.app.sessionToken(options);
/** Waits until the connection's first sync finished (its pages are calls to the simulator too). */
const backfilled = () =>
  vi.waitFor(
    async () => {
      const status = await (await h.get("/shopify/api/status", token())).json();
      expect(status.connection.lastSyncAt).not.toBeNull();
    },
    { timeout: 20_000, interval: 200 },
  );
const json = async (response: Response) => ({ status: response.status, body: await response.json() });
const sessionsCollection = () => h.gateway.deps.store.globalCollection(SHOPIFY_SESSIONS_COLLECTION);

describe("install: session token -> token exchange -> tenant, connection, key, backfill", () => {
  // A gateway per test: each starts from a shop that never installed the app.
  beforeEach(async () => {
    h = await startShopifyAppGateway();
  }, 60_000);
  afterEach(() => h.close());

  it("provisions the shop on its first session token, and the catalog syncs with the exchanged token", async () => {
    const status = await json(await h.get("/shopify/api/status", token()));
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      shop: h.shop,
      connection: { status: "active" },
      plan: "free",
      themeEmbedEnabled: false,
      themeEmbedUrl: `https://${h.shop}/admin/themes/current/editor?context=apps&template=product&activateAppId=test-api-key/app-embed`,
    });
    expect(status.body.tenantId).toMatch(/^ten_/);
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1);
    const [issued] = h.sim.shopify.app.tokens;
    expect(issued?.refreshToken).toMatch(/^shprt_/);
    expect(issued?.expiresAt).not.toBeNull();

    // The embedded UI's VARAi session sees the backfilled catalog of exactly this tenant.
    const session = await json(await h.post("/shopify/api/session", token()));
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      tenantId: status.body.tenantId,
      apiBaseUrl: h.gateway.base.replace("127.0.0.1", "localhost"),
    });
    await vi.waitFor(
      async () => {
        const products = await h.gateway.call("GET", "/v1/products", session.body.accessToken);
        expect(products.body.items?.length).toBe(4);
      },
      { timeout: 20_000, interval: 200 },
    );
    await vi.waitFor(async () => {
      const again = await json(await h.get("/shopify/api/status", token()));
      expect(again.body.connection.lastSyncAt).not.toBeNull();
    });

    // The storefront settings reach the theme as app-data metafields: the key works on /widget/config.
    const key = h.sim.shopify.app.appMetafields.get("varai.publishable_key");
    expect(key).toMatch(/^pk_/);
    expect(h.sim.shopify.app.appMetafields.get("varai.loader_url")).toMatch(/\/widget\/varai\.js$/);
    const config = await fetch(`${h.gateway.base}/widget/config`, { headers: { "x-varai-key": key! } });
    expect(config.status).toBe(200);

    // The offline tokens are stored sealed.
    const raw = JSON.stringify(await sessionsCollection().find({}));
    expect(raw).toContain(`offline_${h.shop}`);
    expect(raw).not.toContain(issued!.accessToken);
    expect(raw).not.toContain(issued!.refreshToken!);
  });

  it("a second install (every later session token) is a no-op: no exchange, no call to Shopify", async () => {
    expect((await h.get("/shopify/api/status", token())).status).toBe(200);
    await backfilled();
    const requests = h.sim.shopify.stats.requests;
    const answers = await Promise.all([1, 2, 3].map(() => h.post("/shopify/api/session", token())));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1);
    expect(h.sim.shopify.stats.requests).toBe(requests);
  });

  it("three first loads at once exchange once and provision one tenant", async () => {
    const answers = await Promise.all([1, 2, 3].map(async () => json(await h.get("/shopify/api/status", token()))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.tenantId)).size).toBe(1);
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1);
  });

  it("refreshes an access token close to expiry, on a request and unattended, and the connection keeps syncing", async () => {
    h.sim.shopify.app.accessTokenLifetimeSeconds = 240; // inside the 5 min refresh window from the start
    expect((await h.get("/shopify/api/status", token())).status).toBe(200);
    expect(h.sim.shopify.app.appStats.refreshes).toBe(0);
    expect((await h.get("/shopify/api/status", token())).status).toBe(200);
    expect(h.sim.shopify.app.appStats.refreshes).toBe(1);
    const [first, second] = h.sim.shopify.app.tokens;
    expect(first?.revoked).toBe(true); // refresh tokens rotate
    expect(h.sim.shopify.app.isValidAccessToken(second!.accessToken)).toBe(true);

    await expect(h.app.auth.refreshDue()).resolves.toBe(1);
    expect(h.sim.shopify.app.appStats.refreshes).toBe(2);
    h.sim.shopify.app.accessTokenLifetimeSeconds = 3600;
    await expect(h.app.auth.refreshDue()).resolves.toBe(1);
    await expect(h.app.auth.refreshDue()).resolves.toBe(0); // a 1 h token is not due
    // The catalog got the newest token: a manual sync through the API succeeds against the simulator.
    const latest = h.sim.shopify.app.tokens.at(-1)!;
    expect(h.sim.shopify.app.tokens.filter((t) => !t.revoked)).toEqual([latest]);
    const session = await json(await h.post("/shopify/api/session", token()));
    const status = await json(await h.get("/shopify/api/status", token()));
    const connection = `/v1/connections/${status.body.connection.id}`;
    const sync = await h.gateway.call("POST", `${connection}/sync`, session.body.accessToken, { mode: "full" });
    expect(sync.status).toBe(202);
    await vi.waitFor(
      async () => {
        const run = await h.gateway.call("GET", `${connection}/sync-runs/${sync.body.id}`, session.body.accessToken);
        expect(run.body.status).toBe("succeeded");
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it("uninstall (app/uninstalled through the intake) forgets the tokens and stops calls; reinstall brings the same tenant back", async () => {
    const first = await json(await h.get("/shopify/api/status", token()));
    await backfilled();
    h.sim.shopify.app.uninstall();
    const [delivered] = await h.sim.send(
      `${h.gateway.base}/webhooks/shopify`,
      h.sim.shopify.webhook("app/uninstalled"),
    );
    expect(delivered).toBe(200);
    // The intake's worker marks the connection uninstalled; the app's unattended refresh learns it
    // and forgets the tokens, with no call to the shop.
    const requests = h.sim.shopify.stats.requests;
    await vi.waitFor(
      async () => {
        await h.app.auth.refreshDue();
        await expect(sessionsCollection().count()).resolves.toBe(0);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(h.sim.shopify.stats.requests).toBe(requests);
    expect(h.sim.shopify.app.appStats.refreshes).toBe(0);

    // While uninstalled Shopify refuses the exchange: 401 with the retry header.
    const refused = await h.get("/shopify/api/status", token());
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");

    h.sim.shopify.app.reinstall();
    const back = await json(await h.get("/shopify/api/status", token()));
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({
      tenantId: first.body.tenantId,
      connection: { id: first.body.connection.id, status: "active" },
    });
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(2);
  });

  it("shop/redact (through the intake) erases the app's shop record and sessions too", async () => {
    expect((await h.get("/shopify/api/status", token())).status).toBe(200);
    await backfilled();
    const shops = h.gateway.deps.store.globalCollection({ name: "shopify_shops", scope: "global" });
    await expect(shops.count()).resolves.toBe(1);
    h.sim.shopify.app.uninstall();
    expect(await h.sim.send(`${h.gateway.base}/webhooks/shopify`, h.sim.shopify.webhook("shop/redact"))).toEqual([200]);
    await vi.waitFor(
      async () => {
        await expect(shops.count()).resolves.toBe(0);
        await expect(sessionsCollection().count()).resolves.toBe(0);
      },
      { timeout: 20_000, interval: 200 },
    );
  });
});

describe("session tokens and the embedded document (one gateway)", () => {
  beforeAll(async () => {
    h = await startShopifyAppGateway();
  }, 60_000);
  afterAll(() => h.close());

  const attacks: Array<[string, () => string]> = [
    ["expired beyond the 10 s leeway", () => token({ expiresIn: -15 })],
    ["wrong audience", () => token({ aud: "another-app" })],
    ["wrong secret", () => token({ secret: "not-the-app-secret" })],
    ["alg none", () => token({ alg: "none" })],
    ["dest not a shop", () => token({ dest: "https://evil.example.com" })],
    ["dest a different shop than iss", () => token({ dest: "https://other.myshopify.com" })],
    ["not a JWT", () => "not-a-jwt"],
  ];
  for (const [name, make] of attacks) {
    it(name, async () => {
      for (const path of ["/shopify/api/status", "/shopify/api/session", "/shopify/api/billing"]) {
        const response = path === "/shopify/api/session" ? await h.post(path, make()) : await h.get(path, make());
        expect(response.status).toBe(401);
        expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
        expect((await response.json()).code).toBe("UNAUTHENTICATED");
      }
      expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(0);
    });
  }

  it("no Authorization header", async () => {
    const response = await h.get("/shopify/api/status");
    expect(response.status).toBe(401);
    expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
  });

  it("accepts a token expired within the 10 s leeway (of an installed shop)", async () => {
    expect((await h.get("/shopify/api/status", token())).status).toBe(200);
    expect((await h.get("/shopify/api/status", token({ expiresIn: -5 }))).status).toBe(200);
  });

  it("a VARAi access token is not a session token", async () => {
    expect((await h.get("/shopify/api/status", token())).status).toBe(200);
    const session = await json(await h.post("/shopify/api/session", token()));
    expect((await h.get("/shopify/api/status", session.body.accessToken)).status).toBe(401);
  });

  it("the fixed paths are in /openapi.json", async () => {
    const doc = await (await fetch(`${h.gateway.base}/openapi.json`)).json();
    for (const path of [
      "/shopify/auth/session-token",
      "/shopify/app",
      "/shopify/api/status",
      "/shopify/proxy/{path}",
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it("a document load without id_token goes through the bounce page", async () => {
    const response = await h.get(`/shopify/app?embedded=1&shop=${h.shop}&host=abc`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!, h.gateway.base);
    expect(location.pathname).toBe("/shopify/auth/session-token");
    expect(location.searchParams.get("shopify-reload")).toBe(
      `https://varai-app.example/shopify/app?embedded=1&shop=${h.shop}&host=abc`,
    );
    const bounce = await h.get(`${location.pathname}${location.search}`);
    expect(bounce.status).toBe(200);
    const html = await bounce.text();
    expect(html).toContain('<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>');
    expect(html).toContain('<meta name="shopify-api-key" content="test-api-key">');
  });

  it("an invalid id_token also bounces, and installs nothing", async () => {
    const exchanges = h.sim.shopify.app.appStats.tokenExchanges;
    const response = await h.get(`/shopify/app?embedded=1&shop=${h.shop}&id_token=${token({ secret: "wrong" })}`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).not.toContain("id_token");
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(exchanges);
  });

  it("a valid id_token serves the document, framed only by the shop's admin", async () => {
    const response = await h.get(`/shopify/app?embedded=1&shop=${h.shop}&id_token=${token()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(
      `frame-ancestors https://${h.shop} https://admin.shopify.com;`,
    );
    const html = await response.text();
    expect(html.indexOf('<meta name="shopify-api-key"')).toBeLessThan(html.indexOf("<title>"));
    expect(html).toContain("https://cdn.shopify.com/shopifycloud/app-bridge.js");
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1); // installed once, by the leeway test's first token
  });

  it("serves the widget preview page frameable inside Shopify's admin (every ancestor is checked)", async () => {
    for (const url of ["/shopify/app/preview", "/shopify/app/preview.js"]) {
      const response = await h.get(url);
      expect(response.status).toBe(200);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self';");
      expect(csp).toMatch(/frame-ancestors 'self' https:\/\/admin\.shopify\.com https:\/\/\*\.myshopify\.com$/);
    }
    expect(await (await h.get("/shopify/app/preview")).text()).toContain('src="/shopify/app/preview.js"');
  });
});

describe("refused session tokens spend a per-IP budget", () => {
  beforeAll(async () => {
    h = await startShopifyAppGateway();
  }, 60_000);
  afterAll(() => h.close());

  it("answers 429 to refused tokens once 60 a minute were refused (a valid token still passes)", async () => {
    const bad = token({ secret: "guess" });
    const answers = await Promise.all(Array.from({ length: 60 }, () => h.get("/shopify/api/status", bad)));
    expect(answers.every((a) => a.status === 401)).toBe(true);
    const limited = await h.get("/shopify/api/status", bad);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // A merchant behind the same address is not locked out by someone guessing.
    expect((await h.get("/shopify/api/status", token())).status).toBe(200);
  });
});
