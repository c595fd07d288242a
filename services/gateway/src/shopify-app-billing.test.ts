import { signAppProxyQuery } from "@varai/shopify-app";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ShopifyAppGateway, startShopifyAppGateway } from "./test-shopify-app.ts";

/** Billing through the simulator's Billing API, in the real gateway; the plan gates the app proxy. */
let h: ShopifyAppGateway;
beforeEach(async () => {
  h = await startShopifyAppGateway();
}, 60_000);
afterEach(() => h.close());

const token = () => h.sim.shopify.app.sessionToken();
const proxy = (path: string) =>
  h.get(
    `/shopify/proxy${path}?${signAppProxyQuery(
      [
        ["shop", "varai-sim.myshopify.com"],
        ["timestamp", String(Math.floor(Date.now() / 1000))],
      ],
      h.sim.shopify.apiSecret,
    )}`,
  );

describe("billing: a free plan and a paid plan through the Billing API", () => {
  it("starts on the free plan", async () => {
    const response = await h.get("/shopify/api/billing", token());
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ plan: "free", status: "none", features: ["try-on"] });
    expect(body.plans.map((p: { id: string }) => p.id)).toEqual(["free", "pro"]);
  });

  it("subscribes with appSubscriptionCreate (a test charge), and the approved plan unlocks its features on the server", async () => {
    await h.get("/shopify/api/status", token());
    expect((await proxy("/recommendations")).status).toBe(403);

    const response = await h.post("/shopify/api/billing/subscribe", token(), { plan: "pro" });
    expect(response.status).toBe(200);
    const { confirmationUrl } = await response.json();
    expect(confirmationUrl).toMatch(/^https:\/\/varai-sim\.myshopify\.com\/admin\/charges\/1\//);
    const [sub] = h.sim.shopify.app.subscriptions;
    expect(sub).toMatchObject({ name: "VARAi Pro", status: "PENDING", test: true, amount: "29" });
    expect(sub?.returnUrl).toBe("https://admin.shopify.com/store/varai-sim/apps/test-api-key");
    // Not approved yet: still free.
    expect((await (await h.get("/shopify/api/billing", token())).json()).plan).toBe("free");

    h.sim.shopify.app.decideSubscription(sub!.id, true);
    const after = await (await h.get("/shopify/api/billing", token())).json();
    expect(after).toMatchObject({ plan: "pro", status: "ACTIVE" });
    expect(after.features).toContain("recommendations");
    expect((await (await h.get("/shopify/api/status", token())).json()).plan).toBe("pro");
    expect((await proxy("/recommendations")).status).toBe(200);
    expect((await (await proxy("/config")).json()).features).toContain("recommendations");
  });

  it("a declined subscription leaves the shop on the free plan", async () => {
    await h.post("/shopify/api/billing/subscribe", token(), { plan: "pro" });
    h.sim.shopify.app.decideSubscription(h.sim.shopify.app.subscriptions[0]!.id, false);
    expect((await (await h.get("/shopify/api/billing", token())).json()).plan).toBe("free");
  });

  it("refuses unknown plans and the free plan with 400, and anonymous calls with 401", async () => {
    for (const plan of ["gold", "free", 3, undefined]) {
      const response = await h.post("/shopify/api/billing/subscribe", token(), { plan });
      expect(response.status).toBe(400);
      expect((await response.json()).code).toBe("INVALID_INPUT");
    }
    expect(h.sim.shopify.app.subscriptions).toHaveLength(0);
    const anonymous = await fetch(`${h.gateway.base}/shopify/api/billing/subscribe`, { method: "POST" });
    expect(anonymous.status).toBe(401);
  });
});
