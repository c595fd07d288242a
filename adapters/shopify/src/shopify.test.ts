import { noopLogger } from "@varai/commerce";
import { createShopifySim, SHOPIFY_FIRST_PRODUCT_ID } from "@varai/testkit";
import { describe, expect, it } from "vitest";
import { createShopifyAdapter, parseJsonLossless, routeShopifyWebhook } from "./index.ts";

const sim = createShopifySim({ products: 3 });
const adapter = createShopifyAdapter(
  {
    connectionId: "con_1",
    shopDomain: sim.shopDomain,
    accessToken: sim.accessToken,
    apiSecret: sim.apiSecret,
    currency: "EUR",
  },
  { fetch: () => Promise.reject(new Error("no network in these tests")), logger: noopLogger, clock: () => new Date() },
);
const parse = (topic: string, options: Parameters<typeof sim.webhook>[1] = {}) => {
  const w = sim.webhook(topic, options);
  return adapter.parseWebhook({ rawBody: w.body, headers: w.headers, method: "POST" });
};

describe("Shopify webhooks", () => {
  it("routes a delivery by its shop domain (either header flavour, lower-cased), 400 without one", () => {
    const route = (headers: Record<string, string>) =>
      routeShopifyWebhook({ rawBody: Buffer.from("{}"), headers, method: "POST" });
    expect(route({ "x-shopify-shop-domain": "My-Shop.myshopify.com" })).toEqual({
      ok: true,
      value: { by: "shopDomain", value: "my-shop.myshopify.com" },
    });
    expect(route({ "shopify-shop-domain": "b.myshopify.com" })).toMatchObject({
      ok: true,
      value: { value: "b.myshopify.com" },
    });
    expect(route({})).toMatchObject({ ok: false, error: { reason: "missing-headers", status: 400 } });
  });

  it("keeps 788032119674292922 exact where JSON.parse would round it", () => {
    expect(JSON.parse('{"id":788032119674292922}').id).not.toBe(788032119674292922n.toString());
    expect(parseJsonLossless('{"id":788032119674292922,"n":3,"p":1.5}')).toEqual({
      id: SHOPIFY_FIRST_PRODUCT_ID,
      n: 3,
      p: 1.5,
    });
    expect(parse("products/update", { index: 0 })).toMatchObject({
      ok: true,
      value: { externalId: SHOPIFY_FIRST_PRODUCT_ID },
    });
  });

  it("keeps long digit runs inside strings untouched and 64-bit ids in arrays exact", () => {
    const text =
      '{"title":"Batch: 12345678901234567, [98765432109876543] x","ids":[788032119674292922, 7],"safe":1000000000000000,"neg":-9007199254740993}';
    expect(parseJsonLossless(text)).toEqual({
      title: "Batch: 12345678901234567, [98765432109876543] x",
      ids: ["788032119674292922", 7],
      safe: 1000000000000000,
      neg: "-9007199254740993",
    });
    expect(parseJsonLossless('{"a": 1.5e3, "b": [ 9007199254740993 ]}')).toEqual({ a: 1500, b: ["9007199254740993"] });
  });

  it("maps a full product payload with metafields, tags and the Size option to frame attributes", () => {
    const result = parse("products/create", { index: 1 });
    if (!result.ok || result.value.kind !== "product.upsert" || !result.value.product)
      throw new Error("expected a product");
    const p = sim.store.products.get(1)!;
    expect(result.value.product.frame).toMatchObject({
      shape: p.frame.shape,
      rim: p.frame.rim,
      material: p.frame.material,
      dimensions: {
        frameWidthMm: p.frame.frameWidthMm,
        lensWidthMm: p.frame.lensWidthMm,
        templeLengthMm: p.frame.templeLengthMm,
      },
    });
    expect(result.value.product.variants[0]?.price).toEqual({ amount: p.variants[0]!.price, currency: "EUR" });
  });

  it("treats a payload without metafields as thin, so the engine fetches the product", () => {
    const thin = createShopifySim({ products: 1, webhookMetafields: false });
    const w = thin.webhook("products/update", { index: 0 });
    const result = adapter.parseWebhook({ rawBody: w.body, headers: w.headers, method: "POST" });
    expect(result).toMatchObject({ ok: true, value: { kind: "product.upsert", product: null } });
  });

  it("refuses a delivery without the HMAC header as unauthenticated (401)", () => {
    const w = sim.webhook("products/update");
    const { "x-shopify-hmac-sha256": _h, ...unsigned } = w.headers;
    expect(adapter.parseWebhook({ rawBody: w.body, headers: unsigned, method: "POST" })).toMatchObject({
      ok: false,
      error: { reason: "unauthenticated", status: 401 },
    });
  });

  it("requires the topic, shop and event id headers (400) and dedupes on the event id", () => {
    const w = sim.webhook("products/update", { eventId: "evt-1" });
    const { "x-shopify-topic": _t, ...noTopic } = w.headers;
    expect(adapter.parseWebhook({ rawBody: w.body, headers: noTopic, method: "POST" })).toMatchObject({
      ok: false,
      error: { reason: "missing-headers", status: 400 },
    });
    expect(parse("products/update", { eventId: "evt-1" })).toMatchObject({
      ok: true,
      value: { dedupeKey: "products/update:evt-1" },
    });
  });

  it("maps orders/paid with the _varai_session note attribute", () => {
    expect(parse("orders/paid", { index: 0 })).toMatchObject({
      ok: true,
      value: {
        kind: "order",
        orderId: "820982911946154508",
        varaiSessionId: "sess_sim_1",
        lineItems: [{ productExternalId: SHOPIFY_FIRST_PRODUCT_ID, quantity: 1 }],
      },
    });
  });

  it("maps the compliance topics to privacy requests and app/uninstalled", () => {
    expect(parse("customers/redact")).toMatchObject({
      ok: true,
      value: { kind: "privacy", request: "shopper-redact", shopperId: "191167", shopperEmail: "john@example.com" },
    });
    expect(parse("customers/data_request")).toMatchObject({ ok: true, value: { request: "shopper-export" } });
    expect(parse("shop/redact")).toMatchObject({ ok: true, value: { request: "shop-redact" } });
    expect(parse("app/uninstalled")).toMatchObject({ ok: true, value: { kind: "app.uninstalled" } });
  });

  it("lists every option problem at once", () => {
    expect(() =>
      createShopifyAdapter(
        { connectionId: "", shopDomain: "bad domain", accessToken: "", apiSecret: "" },
        {
          fetch,
          logger: noopLogger,
          clock: () => new Date(),
        },
      ),
    ).toThrow(/connectionId.*shopDomain.*accessToken.*apiSecret/);
  });
});
