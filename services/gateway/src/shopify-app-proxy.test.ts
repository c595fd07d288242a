import { signAppProxyQuery } from "@varai/shopify-app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ShopifyAppGateway, startShopifyAppGateway } from "./test-shopify-app.ts";

/** The app proxy in the real gateway: Shopify's signature rules, and what a signed call gets. */
let h: ShopifyAppGateway;
let publishableKey: string;
beforeAll(async () => {
  h = await startShopifyAppGateway();
  // Installed first: the proxy serves only installed shops.
  expect((await h.get("/shopify/api/status", h.sim.shopify.app.sessionToken())).status).toBe(200);
  publishableKey = h.sim.shopify.app.appMetafields.get("varai.publishable_key")!;
}, 60_000);
afterAll(() => h.close());

const SHOP = "varai-sim.myshopify.com";
const now = () => String(Math.floor(Date.now() / 1000));
const params = (extra: Array<[string, string]> = [], timestamp = now()): Array<[string, string]> => [
  ["shop", SHOP],
  ["logged_in_customer_id", ""],
  ["path_prefix", "/apps/varai"],
  ["timestamp", timestamp],
  ...extra,
];
const signed = (p: Array<[string, string]>, secret?: string) => signAppProxyQuery(p, secret ?? h.sim.shopify.apiSecret);

describe("app proxy /shopify/proxy/* (storefront /apps/varai/*)", () => {
  it("a correctly signed call gets the storefront config with the shop's key and its plan's features", async () => {
    const response = await h.get(`/shopify/proxy/config?${signed(params([["extra", "a"]]))}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      publishableKey,
      loaderUrl: expect.stringMatching(/\/widget\/varai\.js$/),
      features: ["try-on"],
    });
    expect(publishableKey).toMatch(/^pk_/);
  });

  it("several values of one parameter are signed joined with commas", async () => {
    const response = await h.get(
      `/shopify/proxy/config?${signed(
        params([
          ["ids", "1"],
          ["ids", "2"],
        ]),
      )}`,
    );
    expect(response.status).toBe(200);
  });

  const attacks: Array<[string, () => string]> = [
    ["no signature", () => new URLSearchParams(params()).toString()],
    ["wrong secret", () => signed(params(), "not-the-secret")],
    ["a tampered parameter", () => signed(params()).replace(`shop=${SHOP}`, "shop=evil.myshopify.com")],
    ["a parameter added after signing", () => `${signed(params())}&admin=1`],
    ["timestamp older than 90 s", () => signed(params([], String(Math.floor(Date.now() / 1000) - 91)))],
    ["timestamp in the future by more than 90 s", () => signed(params([], String(Math.floor(Date.now() / 1000) + 91)))],
    ["timestamp not an integer", () => signed(params([], `${now()}.5`))],
    ["missing timestamp", () => signed(params().filter(([k]) => k !== "timestamp"))],
    ["missing shop", () => signed(params().filter(([k]) => k !== "shop"))],
    ["duplicate shop (signed)", () => signed([...params(), ["shop", "evil.myshopify.com"]])],
    ["duplicate timestamp (signed)", () => signed([...params(), ["timestamp", now()]])],
    ["duplicate signature", () => `${signed(params())}&signature=${"0".repeat(64)}`],
    ["signature not hex", () => `${new URLSearchParams(params()).toString()}&signature=zz`],
  ];
  for (const [name, query] of attacks) {
    it(`refuses ${name} with 401`, async () => {
      const response = await h.get(`/shopify/proxy/config?${query()}`);
      expect(response.status).toBe(401);
      expect((await response.json()).code).toBe("UNAUTHENTICATED");
    });
  }

  it("a shop that is not installed gets 404, and an unknown path 404", async () => {
    const other = signed(params().map(([k, v]) => [k, k === "shop" ? "other.myshopify.com" : v] as [string, string]));
    expect((await h.get(`/shopify/proxy/config?${other}`)).status).toBe(404);
    expect((await h.get(`/shopify/proxy/nope?${signed(params())}`)).status).toBe(404);
  });
});
