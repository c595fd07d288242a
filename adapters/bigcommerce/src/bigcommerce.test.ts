import { noopLogger } from "@varai/commerce";
import { bigCommerceHandlers, createBigCommerceSim } from "@varai/testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rateLimitAsOfNow } from "./client.ts";
import {
  type BigCommerceAdapterOptions,
  bigCommerceStoreHashOf,
  createBigCommerceAdapter,
  deriveWebhookToken,
  PLATFORM_LOAD_BACKOFF_MS,
  routeBigCommerceWebhook,
  verifyStandardWebhook,
} from "./index.ts";
import { parseBigCommerceJson } from "./json.ts";

const API = "https://api.bigcommerce.com";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function make(
  sim = createBigCommerceSim({ products: 5 }),
  extra: Partial<BigCommerceAdapterOptions> = {},
  clock = () => new Date(),
) {
  server.use(...bigCommerceHandlers(sim));
  const urls: string[] = [];
  const adapter = createBigCommerceAdapter(
    {
      connectionId: "con_bc",
      storeHash: sim.storeHash,
      accessToken: sim.accessToken,
      clientSecret: sim.clientSecret,
      webhookSecret: sim.webhookToken,
      ...extra,
    },
    {
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
      logger: noopLogger,
      clock,
    },
  );
  return { adapter, sim, urls };
}

describe("BigCommerce catalog reads", () => {
  it("reads frame data from custom fields, variants with inherited prices, and images thumbnail first", async () => {
    const sim = createBigCommerceSim({ products: 6, variableFraction: 1 });
    const { adapter } = make(sim);
    const one = await adapter.getProduct(sim.externalId(2));
    if (!one.ok || !one.value.product) throw new Error("expected a product");
    const p = sim.store.products.get(2)!;
    const draft = one.value.product;
    expect(draft.brand).toBe(p.vendor);
    expect(draft.handle).toBe(p.handle);
    expect(draft.frame).toMatchObject({
      shape: p.frame.shape,
      rim: p.frame.rim,
      material: p.frame.material,
      dimensions: {
        frameWidthMm: p.frame.frameWidthMm,
        lensWidthMm: p.frame.lensWidthMm,
        bridgeWidthMm: p.frame.bridgeWidthMm,
        templeLengthMm: p.frame.templeLengthMm,
      },
    });
    expect(draft.variants.map((v) => [v.price.amount, v.options.Color, v.inventoryQuantity])).toEqual(
      // JSON numbers: "221.00" arrives as 221.
      p.variants.map((v) => [String(Number(v.price)), v.color, v.stock]),
    );
    expect(draft.images[0]?.url).toMatch(/1280x1280\/products\/112\/0\.jpg$/);
  });

  it("pages with limit, page and include, and filters incremental runs with date_modified:min", async () => {
    const { adapter, sim, urls } = make();
    sim.store.updateProduct(3, { updatedAt: "2030-05-01T10:00:00.000Z" });
    const page = await adapter.listProducts({ updatedSince: "2030-05-01T09:59:00.000Z", pageSize: 500 });
    if (!page.ok) throw page.error;
    expect(page.value.items.map((i) => i.ok && i.value.source.externalId)).toEqual(["113"]);
    const q = new URL(urls.at(-1)!).searchParams;
    expect(Object.fromEntries(q)).toEqual({
      include: "images,variants,custom_fields",
      limit: "250",
      page: "1",
      "date_modified:min": "2030-05-01T09:59:00Z",
    });
  });

  it("reports an unknown store hash as NOT_FOUND", async () => {
    const { adapter } = make(undefined, { storeHash: "nosuchstore" });
    expect(await adapter.listProducts({})).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("keeps ids beyond 2^53 and prices exact as strings", async () => {
    const { adapter, sim } = make();
    const body = JSON.stringify({ data: sim.restProduct(0), meta: {} })
      .replace('"id":110,', '"id":9007199254740993,')
      .replaceAll(/"(price|calculated_price)":\d+,/g, '"$1":129.95,');
    server.use(
      http.get(
        `${API}/stores/${sim.storeHash}/v3/catalog/products/110`,
        () => new HttpResponse(body, { headers: { "content-type": "application/json" } }),
      ),
    );
    const one = await adapter.getProduct("110");
    if (!one.ok || !one.value.product) throw new Error("expected a product");
    expect(one.value.product.source.externalId).toBe("9007199254740993");
    expect(one.value.product.variants[0]?.price.amount).toBe("129.95");
  });
});

describe("BigCommerce rate limits", () => {
  it("surfaces the store quota from X-Rate-Limit-* on every call", async () => {
    const sim = createBigCommerceSim({ products: 3, quota: 40, windowMs: 30_000 });
    const { adapter } = make(sim);
    const first = await adapter.listProducts({});
    const second = await adapter.getProduct("111");
    if (!first.ok || !second.ok) throw new Error("expected pages");
    expect(first.value.rateLimit).toMatchObject({
      remaining: 39,
      capacity: 40,
      restorePerSecond: null,
      windowMs: 30_000,
      cost: 1,
    });
    expect(second.value.rateLimit?.remaining).toBe(38);
    expect(first.value.rateLimit?.resetMs).toBeGreaterThan(0);
    expect(first.value.rateLimit?.resetMs).toBeLessThanOrEqual(30_000);
  });

  it("counts the window's reset from when a result is handed over, not from when its headers arrived", () => {
    const signal = { remaining: 0, capacity: 15, restorePerSecond: null, resetMs: 1000, windowMs: 3000, cost: 1 };
    // A page read, parsed and transformed for 250 ms after its headers arrived: the reset is 250 ms closer.
    const aged = rateLimitAsOfNow(signal, performance.now() - 250);
    expect(aged?.resetMs).toBeLessThanOrEqual(750);
    expect(aged?.resetMs).toBeGreaterThan(700);
    expect(aged).toMatchObject({ remaining: 0, capacity: 15, windowMs: 3000 });
    expect(rateLimitAsOfNow({ ...signal, resetMs: 100 }, performance.now() - 250)?.resetMs).toBe(0);
    expect(rateLimitAsOfNow(null, 0)).toBeNull();
  });

  it("maps 429 to RATE_LIMITED waiting exactly X-Rate-Limit-Time-Reset-Ms", async () => {
    const { adapter, sim } = make();
    server.use(
      http.get(`${API}/stores/${sim.storeHash}/v3/catalog/products`, () =>
        HttpResponse.json(
          { status: 429, title: "Too many requests" },
          {
            status: 429,
            headers: {
              "x-rate-limit-requests-left": "0",
              "x-rate-limit-requests-quota": "150",
              "x-rate-limit-time-window-ms": "30000",
              "x-rate-limit-time-reset-ms": "12345",
            },
          },
        ),
      ),
    );
    const page = await adapter.listProducts({});
    expect(page).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", details: { retryAfterMs: 12345 } } });
  });

  it("backs off by default on a 429 without quota headers (platform load)", async () => {
    const { adapter, sim } = make();
    server.use(
      http.get(`${API}/stores/${sim.storeHash}/v3/catalog/products`, () =>
        HttpResponse.json({ status: 429 }, { status: 429 }),
      ),
    );
    expect(await adapter.listProducts({})).toMatchObject({
      ok: false,
      error: { code: "RATE_LIMITED", details: { retryAfterMs: PLATFORM_LOAD_BACKOFF_MS } },
    });
  });

  it("answers 429 from the simulator once the learnt quota is spent, and recovers after the window", async () => {
    const sim = createBigCommerceSim({ products: 2, quota: 2, windowMs: 200 });
    const { adapter } = make(sim);
    expect((await adapter.listProducts({})).ok).toBe(true);
    expect((await adapter.listProducts({})).ok).toBe(true);
    const limited = await adapter.listProducts({});
    expect(limited).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    const wait = Number(!limited.ok && limited.error.details?.retryAfterMs);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(200);
    await new Promise((r) => setTimeout(r, wait + 20));
    expect((await adapter.listProducts({})).ok).toBe(true);
  });
});

describe("BigCommerce webhooks", () => {
  const deliver = (adapter: ReturnType<typeof make>["adapter"], w: { headers: Record<string, string>; body: Buffer }) =>
    adapter.parseWebhook({ rawBody: w.body, headers: w.headers, method: "POST" });

  it("verifies the Standard Webhooks reference vector", () => {
    const key = Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "base64");
    const headers = {
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestamp: "1614265330",
      signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };
    expect(verifyStandardWebhook(Buffer.from('{"test": 2432232314}'), headers, key)).toBe(true);
    expect(verifyStandardWebhook(Buffer.from('{"test": 2432232315}'), headers, key)).toBe(false);
    // Several signatures (key rotation): any one valid is enough.
    const rotated = { ...headers, signature: `v1,AAAA ${headers.signature}` };
    expect(verifyStandardWebhook(Buffer.from('{"test": 2432232314}'), rotated, key)).toBe(true);
  });

  it("accepts a delivery with the hook header and a valid signature as a thin upsert deduped on hash", () => {
    const { adapter, sim } = make();
    const a = deliver(adapter, sim.webhook("store/product/updated", { index: 1 }));
    const b = deliver(adapter, sim.webhook("store/product/updated", { index: 1 }));
    expect(a).toMatchObject({
      ok: true,
      value: { kind: "product.upsert", externalId: "111", product: null, topic: "store/product/updated" },
    });
    // A retried delivery carries a new webhook-id but the same hash.
    expect(a.ok && b.ok && a.value.kind === "product.upsert" && a.value.dedupeKey).toBe(
      b.ok && b.value.kind === "product.upsert" && b.value.dedupeKey,
    );
    expect(a.ok && a.value.kind === "product.upsert" && a.value.dedupeKey).toMatch(/^hash:[0-9a-f]{40}$/);
  });

  it("accepts the hook header alone when no signature headers are sent", () => {
    const { adapter, sim } = make();
    expect(deliver(adapter, sim.webhook("store/product/created", { index: 0, standard: false }))).toMatchObject({
      ok: true,
      value: { kind: "product.upsert" },
    });
  });

  it("rejects a missing or wrong hook header or a wrong signature (401) and partial signature headers (400)", () => {
    const { adapter, sim } = make();
    const scope = "store/product/updated";
    expect(deliver(adapter, sim.webhook(scope, { token: "nope" }))).toMatchObject({
      ok: false,
      error: { reason: "bad-signature", status: 401 },
    });
    expect(deliver(adapter, sim.webhook(scope, { standard: { secret: "other" } }))).toMatchObject({
      ok: false,
      error: { reason: "bad-signature", status: 401 },
    });
    expect(deliver(adapter, sim.webhook(scope, { token: null }))).toMatchObject({
      ok: false,
      error: { reason: "unauthenticated", status: 401 },
    });
    const w = sim.webhook(scope);
    const { "webhook-signature": _dropped, ...partial } = w.headers;
    expect(deliver(adapter, { ...w, headers: partial })).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it("rejects a stale or future webhook-timestamp as a replay, using the adapter's clock", () => {
    const now = Date.now();
    const { adapter, sim } = make(undefined, {}, () => new Date(now));
    const at = (ms: number) => sim.webhook("store/product/updated", { standard: { timestamp: Math.floor(ms / 1000) } });
    expect(deliver(adapter, at(now - 6 * 60_000))).toMatchObject({ ok: false, error: { reason: "bad-signature" } });
    expect(deliver(adapter, at(now + 6 * 60_000))).toMatchObject({ ok: false, error: { reason: "bad-signature" } });
    expect(deliver(adapter, at(now - 4 * 60_000))).toMatchObject({ ok: true });
  });

  it("turns store/product/deleted into a delete without a fetch, and refuses another store's callback", () => {
    const { adapter, sim } = make();
    expect(deliver(adapter, sim.webhook("store/product/deleted", { index: 4 }))).toMatchObject({
      ok: true,
      value: { kind: "product.delete", externalId: "114" },
    });
    const other = createBigCommerceSim({ storeHash: "otherstore", webhookToken: sim.webhookToken });
    expect(deliver(adapter, other.webhook("store/product/updated"))).toMatchObject({ ok: false });
  });

  it("reports a signed body with an absurd created_at as malformed instead of throwing", () => {
    const { adapter, sim } = make();
    const body = JSON.stringify({
      scope: "store/product/updated",
      store_id: "1",
      data: { type: "product", id: 111 },
      hash: "abc",
      created_at: 9_000_000_000_000, // a safe integer, but beyond the last valid Date
      producer: `stores/${sim.storeHash}`,
    });
    expect(deliver(adapter, sim.webhook("store/product/updated", { body }))).toMatchObject({
      ok: false,
      error: { reason: "malformed" },
    });
  });

  it("finds the store a delivery claims to come from without trusting it", () => {
    const sim = createBigCommerceSim({ products: 1 });
    expect(bigCommerceStoreHashOf(sim.webhook("store/product/updated").body)).toBe(sim.storeHash);
    expect(bigCommerceStoreHashOf(Buffer.from("not json"))).toBeUndefined();
  });

  it("routes a delivery by the store hash it names, and refuses one that names none (400)", () => {
    const sim = createBigCommerceSim({ products: 1 });
    const w = sim.webhook("store/product/updated");
    expect(routeBigCommerceWebhook({ rawBody: w.body, headers: w.headers, method: "POST" })).toEqual({
      ok: true,
      value: { by: "storeHash", value: sim.storeHash },
    });
    expect(routeBigCommerceWebhook({ rawBody: Buffer.from("{}"), headers: w.headers, method: "POST" })).toMatchObject({
      ok: false,
      error: { reason: "missing-headers", status: 400 },
    });
  });

  it("derives a stable per-store hook token when none is configured", () => {
    expect(deriveWebhookToken("secret", "abc")).toBe(deriveWebhookToken("secret", "ABC"));
    expect(deriveWebhookToken("secret", "abc")).not.toBe(deriveWebhookToken("secret", "abd"));
  });
});

describe("BigCommerce hook registration", () => {
  it("creates hooks with the custom header, reports deactivated ones and re-activates them", async () => {
    const { adapter, sim } = make();
    const address = "https://varai.example/webhooks/bigcommerce";
    const first = await adapter.registerWebhooks(address);
    if (!first.ok) throw first.error;
    expect(first.value.created.map((h) => h.topic)).toEqual([
      "store/product/created",
      "store/product/updated",
      "store/product/deleted",
    ]);
    expect(sim.hooks.every((h) => h.headers["X-Varai-Webhook-Token"] === sim.webhookToken)).toBe(true);
    // Deliveries echo the registered header: an adapter with a derived token re-registers and accepts them.
    const derived = make(sim, { webhookSecret: undefined });
    expect((await derived.adapter.registerWebhooks(address)).ok).toBe(true);
    const w = sim.webhook("store/product/updated", { index: 1 });
    expect(w.headers["x-varai-webhook-token"]).not.toBe(sim.webhookToken);
    expect(derived.adapter.parseWebhook({ rawBody: w.body, headers: w.headers, method: "POST" })).toMatchObject({
      ok: true,
    });
    sim.hooks.forEach((h) => {
      h.headers = { "X-Varai-Webhook-Token": sim.webhookToken };
    });

    sim.deactivateHooks();
    const listed = await adapter.listWebhooks();
    expect(listed.ok && listed.value.map((h) => h.active)).toEqual([false, false, false]);
    const again = await adapter.registerWebhooks(address);
    expect(again).toMatchObject({ ok: true, value: { created: [], alreadyPresent: 0 } });
    expect(again.ok && again.value.reactivated.map((h) => h.active)).toEqual([true, true, true]);
    expect(sim.hooks.every((h) => h.is_active)).toBe(true);
  });

  it("refuses a destination that is not https on port 443", async () => {
    const { adapter } = make();
    expect(await adapter.registerWebhooks("http://varai.example/hook")).toMatchObject({
      ok: false,
      error: { code: "INVALID_RESPONSE", details: { status: 422 } },
    });
  });
});

describe("exact JSON", () => {
  it("keeps prices as decimal text and 64-bit ids exact, and leaves look-alikes inside strings alone", () => {
    const text =
      '{"id":788032119674292922,"price":129.90,"n":3,"variants":[{"price":null}],"name":"a \\"price\\": 12.5, 12345678901234567"}';
    expect(parseBigCommerceJson(text)).toEqual({
      id: "788032119674292922",
      price: "129.90",
      n: 3,
      variants: [{ price: null }],
      name: 'a "price": 12.5, 12345678901234567',
    });
    expect(parseBigCommerceJson('{"note":"x: 12345678901234567, y","price":0}')).toEqual({
      note: "x: 12345678901234567, y",
      price: "0",
    });
  });
});
