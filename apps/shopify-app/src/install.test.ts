import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOPIFY_SESSIONS_COLLECTION } from "./session-storage.ts";
import { type AppHarness, type RecordingInstalls, startAppHarness } from "./test-harness.ts";

let h: AppHarness;
beforeEach(async () => {
  h = await startAppHarness();
});
afterEach(() => h.close());

const SHOP = "varai-sim.myshopify.com";
const installCalls = (installs: RecordingInstalls) => installs.calls.filter((c) => c.op === "install");

describe("install through the session token (Shopify-managed installation + token exchange)", () => {
  it("a first valid session token exchanges an expiring offline token and provisions the shop", async () => {
    const response = await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken());
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      shop: SHOP,
      tenantId: "ten_1",
      connection: { id: "con_1", status: "active", health: "healthy", lastSyncAt: null },
      plan: "free",
      themeEmbedEnabled: false,
    });
    expect(body.themeEmbedUrl).toBe(
      `https://${SHOP}/admin/themes/current/editor?context=apps&template=product&activateAppId=test-api-key/app-embed`,
    );
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1);
    const [issued] = h.sim.shopify.app.tokens;
    expect(issued?.refreshToken).toMatch(/^shprt_/);
    // The connection gets the exchanged token, pointed at SHOPIFY_ADMIN_BASE_URL.
    const [call] = installCalls(h.installs);
    expect(call?.input).toMatchObject({
      storeName: "VARAi Simulated Shop",
      country: "US",
      apiBaseUrl: h.sim.baseUrl("shopify"),
      credentials: { accessToken: issued?.accessToken },
    });
    // The storefront settings reach the theme as app-data metafields.
    expect(h.sim.shopify.app.appMetafields.get("varai.publishable_key")).toBe("pk_test_1");
    expect(h.sim.shopify.app.appMetafields.get("varai.loader_url")).toBe("https://api.varai.example/widget/varai.js");
    // Both tokens are stored sealed.
    const raw = JSON.stringify(await h.runtime.store.globalCollection(SHOPIFY_SESSIONS_COLLECTION).find({}));
    expect(raw).toContain(`offline_${SHOP}`);
    expect(raw).not.toContain(issued!.accessToken);
    expect(raw).not.toContain(issued!.refreshToken!);
  });

  it("a second install (any later session token) is a no-op", async () => {
    expect((await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())).status).toBe(200);
    expect((await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())).status).toBe(200);
    const [a, b] = await Promise.all([
      h.get("/shopify/api/billing", h.sim.shopify.app.sessionToken()),
      h.get("/shopify/api/billing", h.sim.shopify.app.sessionToken()),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1);
    expect(installCalls(h.installs)).toHaveLength(1);
  });

  it("two first loads at once exchange once", async () => {
    const answers = await Promise.all(
      [1, 2, 3].map(() => h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1);
  });

  it("refreshes the access token before it expires and hands the new one to the connection", async () => {
    await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken());
    const first = h.sim.shopify.app.tokens[0]!;
    h.clock.offsetMs = 56 * 60_000; // 4 minutes before the 1 h expiry: inside the 5 min window
    const token = h.sim.shopify.app.sessionToken({ expiresIn: 4000 });
    expect((await h.get("/shopify/api/status", token)).status).toBe(200);
    expect(h.sim.shopify.app.appStats.refreshes).toBe(1);
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(1);
    expect(first.revoked).toBe(true);
    const second = h.sim.shopify.app.tokens[1]!;
    expect(h.sim.shopify.app.isValidAccessToken(second.accessToken)).toBe(true);
    expect(installCalls(h.installs).at(-1)?.input?.credentials.accessToken).toBe(second.accessToken);
  });

  it("refreshes unattended (no merchant in the app) so the catalog's connection keeps a live token", async () => {
    await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken());
    await expect(h.module.auth.refreshDue()).resolves.toBe(0); // not due yet
    h.clock.offsetMs = 52 * 60_000;
    await expect(h.module.auth.refreshDue()).resolves.toBe(1);
    expect(h.sim.shopify.app.appStats.refreshes).toBe(1);
    expect(installCalls(h.installs).at(-1)?.input?.credentials.accessToken).toBe(
      h.sim.shopify.app.tokens[1]!.accessToken,
    );
  });

  it("uninstall forgets the tokens and closes the install; reinstall provisions again with the same ids", async () => {
    await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken());
    h.sim.shopify.app.uninstall();
    await h.module.auth.forgetShop(SHOP);
    await h.module.auth.forgetShop(SHOP); // replayed webhook: no-op
    expect(h.installs.calls.filter((c) => c.op === "uninstall")).toHaveLength(1);
    await expect(h.runtime.store.globalCollection(SHOPIFY_SESSIONS_COLLECTION).count()).resolves.toBe(0);
    // No more calls to the shop: unattended refresh has nothing to refresh.
    const before = h.sim.shopify.stats.requests;
    h.clock.offsetMs = 58 * 60_000;
    await expect(h.module.auth.refreshDue()).resolves.toBe(0);
    expect(h.sim.shopify.stats.requests).toBe(before);
    // A session token while uninstalled: Shopify refuses the exchange -> 401 with the retry header.
    const refused = await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken({ expiresIn: 4000 }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");

    h.sim.shopify.app.reinstall();
    const back = await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken({ expiresIn: 4000 }));
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ tenantId: "ten_1", connection: { id: "con_1" } });
    expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(2);
    expect(h.installs.views.get(SHOP)?.status).toBe("active");
  });
});

describe("session token attacks -> 401 with X-Shopify-Retry-Invalid-Session-Request", () => {
  const attacks: Array<[string, () => string]> = [
    ["expired beyond the 10 s leeway", () => h.sim.shopify.app.sessionToken({ expiresIn: -15 })],
    ["wrong audience", () => h.sim.shopify.app.sessionToken({ aud: "another-app" })],
    ["wrong secret", () => h.sim.shopify.app.sessionToken({ secret: "not-the-app-secret" })],
    ["alg none", () => h.sim.shopify.app.sessionToken({ alg: "none" })],
    ["dest not a shop", () => h.sim.shopify.app.sessionToken({ dest: "https://evil.example.com" })],
    ["dest a different shop than iss", () => h.sim.shopify.app.sessionToken({ dest: "https://other.myshopify.com" })],
    ["garbage", () => "not-a-jwt"],
  ];
  for (const [name, token] of attacks) {
    it(name, async () => {
      const response = await h.get("/shopify/api/status", token());
      expect(response.status).toBe(401);
      expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
      expect((await response.json()).code).toBe("UNAUTHENTICATED");
      expect(h.sim.shopify.app.appStats.tokenExchanges).toBe(0);
      expect(h.installs.calls).toHaveLength(0);
    });
  }

  it("no Authorization header", async () => {
    const response = await h.get("/shopify/api/status");
    expect(response.status).toBe(401);
    expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
  });

  it("accepts a token expired within the 10 s leeway (of an installed shop)", async () => {
    expect((await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())).status).toBe(200);
    expect((await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken({ expiresIn: -5 }))).status).toBe(200);
  });
});

describe("the embedded document and the bounce page", () => {
  it("a document load without id_token goes through the bounce page", async () => {
    const response = await h.get(`/shopify/app?embedded=1&shop=${SHOP}&host=abc`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!, h.url);
    expect(location.pathname).toBe("/shopify/auth/session-token");
    expect(location.searchParams.get("shopify-reload")).toBe(
      `https://varai-app.example/shopify/app?embedded=1&shop=${SHOP}&host=abc`,
    );
    const bounce = await h.get(`${location.pathname}${location.search}`);
    expect(bounce.status).toBe(200);
    const html = await bounce.text();
    expect(html).toContain('<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>');
    expect(html).toContain('<meta name="shopify-api-key" content="test-api-key">');
  });

  it("an invalid id_token also bounces, and installs nothing", async () => {
    const bad = h.sim.shopify.app.sessionToken({ secret: "wrong" });
    const response = await h.get(`/shopify/app?embedded=1&shop=${SHOP}&id_token=${bad}`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).not.toContain("id_token");
    expect(h.installs.calls).toHaveLength(0);
  });

  it("a valid id_token installs and serves the document, framed only by the shop's admin", async () => {
    const token = h.sim.shopify.app.sessionToken();
    const response = await h.get(`/shopify/app?embedded=1&shop=${SHOP}&id_token=${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(
      `frame-ancestors https://${SHOP} https://admin.shopify.com;`,
    );
    const html = await response.text();
    expect(html.indexOf('<meta name="shopify-api-key"')).toBeLessThan(html.indexOf("<title>"));
    expect(html).toContain("https://cdn.shopify.com/shopifycloud/app-bridge.js");
    expect(installCalls(h.installs)).toHaveLength(1);
  });
});
