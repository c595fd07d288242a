import { noopLogger } from "@varai/commerce";
import { createWooSim, wooCommerceHandlers } from "@varai/testkit";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWooCommerceAdapter, routeWooWebhook, type WooAdapterOptions } from "./index.ts";

const sim = createWooSim({ products: 4, variableFraction: 0.5 });
const server = setupServer(...wooCommerceHandlers(sim, "http://plain.example"));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const make = (extra: Partial<WooAdapterOptions> = {}) =>
  createWooCommerceAdapter(
    {
      connectionId: "con_w",
      storeUrl: "http://plain.example",
      consumerKey: sim.consumerKey,
      consumerSecret: sim.consumerSecret,
      webhookSecret: sim.webhookSecret,
      ...extra,
    },
    { fetch: (...a) => fetch(...a), logger: noopLogger, clock: () => new Date() },
  );
const deliver = (adapter = make(), ...args: Parameters<typeof sim.webhooksFor>) =>
  sim.webhooksFor(...args).map((w) => adapter.parseWebhook({ rawBody: w.body, headers: w.headers, method: "POST" }));

describe("WooCommerce adapter", () => {
  it("routes a delivery by the connection id in its URL", () => {
    const request = { rawBody: Buffer.from("{}"), headers: {}, method: "POST" };
    expect(routeWooWebhook({ ...request, pathParams: { connectionId: "con_1" } })).toEqual({
      ok: true,
      value: { by: "connectionId", value: "con_1" },
    });
    expect(routeWooWebhook(request)).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it("answers the unsigned form-encoded creation ping with a ping event", () => {
    const ping = sim.ping(12);
    expect(make().parseWebhook({ rawBody: ping.body, headers: ping.headers, method: "POST" })).toEqual({
      ok: true,
      value: { kind: "ping" },
    });
  });

  it("refuses an unsigned delivery as unauthenticated (401) and a wrong signature as bad-signature (401)", () => {
    expect(deliver(make(), "product.updated", { signature: "none" })).toMatchObject([
      { ok: false, error: { reason: "unauthenticated", status: 401 } },
    ]);
    expect(deliver(make(), "product.updated", { signature: "bad" })).toMatchObject([
      { ok: false, error: { reason: "bad-signature", status: 401 } },
    ]);
  });

  it("gives one save's repeated product.updated deliveries the same dedupe key", () => {
    const results = deliver(make(), "product.updated", { index: 0, copies: 3 });
    const keys = results.map((r) => (r.ok && r.value.kind === "product.upsert" ? r.value.dedupeKey : null));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^product:100:/);
  });

  it("reads frame dimensions from attributes such as 'Frame Width: 138 mm'", () => {
    const simple = [...sim.store.products.values()].find((p) => p.variants.length === 1)!;
    const [result] = deliver(make(), "product.updated", { index: simple.index });
    if (!result?.ok || result.value.kind !== "product.upsert" || !result.value.product)
      throw new Error("expected product");
    expect(result.value.product.frame).toMatchObject({
      shape: simple.frame.shape,
      rim: simple.frame.rim,
      dimensions: { frameWidthMm: simple.frame.frameWidthMm, bridgeWidthMm: simple.frame.bridgeWidthMm },
    });
  });

  it("uses the connection's own attribute names", () => {
    const custom = make({ frameAttributeNames: { "Breite gesamt": "frameWidthMm" } });
    const body = JSON.stringify({
      ...sim.restProduct(0),
      type: "simple",
      variations: [],
      attributes: [{ name: "Breite gesamt", variation: false, options: ["14,2 cm"] }],
    });
    const [result] = deliver(custom, "product.updated", { index: 0, body });
    expect(result).toMatchObject({ ok: true, value: { product: { frame: { dimensions: { frameWidthMm: 142 } } } } });
  });

  it("turns product.deleted (only an id) into a delete without needing a fetch", () => {
    expect(deliver(make(), "product.deleted", { index: 2 })[0]).toMatchObject({
      ok: true,
      value: { kind: "product.delete", externalId: "102" },
    });
  });

  it("maps order.created with the _varai_session order meta", () => {
    expect(deliver(make(), "order.created", { index: 1 })[0]).toMatchObject({
      ok: true,
      value: {
        kind: "order",
        orderId: "5001",
        varaiSessionId: "sess_woo_1",
        lineItems: [{ productExternalId: "101" }],
      },
    });
  });

  it("signs requests with OAuth 1.0a over plain HTTP and reads variations of variable products", async () => {
    const page = await make().listProducts({ pageSize: 100 });
    if (!page.ok) throw page.error;
    expect(sim.stats.unauthorized).toBe(0);
    const variable = [...sim.store.products.values()].find((p) => p.variants.length > 1)!;
    const item = page.value.items[variable.index];
    expect(item?.ok && item.value.variants.map((v) => v.options.Color)).toEqual(variable.variants.map((v) => v.color));
  });

  it("refuses a wrong consumer secret as UNAUTHENTICATED", async () => {
    const page = await make({ consumerSecret: "cs_wrong" }).listProducts({});
    expect(page).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });
});

describe("WooCommerce webhook registration beside the plugin's", () => {
  it("keeps the oldest hook per topic when another creator added one meanwhile (the plugin does the same)", async () => {
    const address = "https://api.varai.test/webhooks/woocommerce/con_w";
    sim.webhooks.splice(0);
    let raced = false;
    // The WordPress plugin's Connect creates its product.created hook while ours is being made.
    const adapter = createWooCommerceAdapter(
      {
        connectionId: "con_w",
        storeUrl: "http://plain.example",
        consumerKey: sim.consumerKey,
        consumerSecret: sim.consumerSecret,
        webhookSecret: sim.webhookSecret,
      },
      {
        fetch: async (input, init) => {
          const answer = await fetch(input, init);
          if (!raced && init?.method === "POST" && String(input).includes("/webhooks")) {
            raced = true;
            sim.webhooks.unshift({
              id: "0",
              topic: "product.created",
              delivery_url: address,
              status: "active",
              secret: "x",
            });
          }
          return answer;
        },
        logger: noopLogger,
        clock: () => new Date(),
      },
    );
    const result = await adapter.registerWebhooks(address);
    expect(result.ok).toBe(true);
    const ours = sim.webhooks.filter((w) => w.delivery_url === address);
    expect(ours.map((w) => w.topic).sort()).toEqual([...new Set(ours.map((w) => w.topic))].sort());
    expect(ours.find((w) => w.topic === "product.created")?.id).toBe("0");
    // A second pass finds everything present and changes nothing.
    const again = await adapter.registerWebhooks(address);
    expect(again.ok && again.value.created).toEqual([]);
    expect(sim.webhooks.filter((w) => w.delivery_url === address)).toHaveLength(ours.length);
  });
});
