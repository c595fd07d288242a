import { createHmac } from "node:crypto";
import { noopLogger, signBase64HmacSha256 } from "@varai/commerce";
import { createMagentoSim, magentoHandlers } from "@varai/testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createMagentoAdapter,
  createMagentoOAuthSigner,
  type MagentoAdapterOptions,
  routeMagentoWebhook,
} from "./index.ts";
import { parseMagentoJson } from "./json.ts";

const BASE = "https://magento.example";
const sim = createMagentoSim({ products: 7 });
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const oauth = {
  consumerKey: sim.consumerKey,
  consumerSecret: sim.consumerSecret,
  accessToken: sim.accessToken,
  accessTokenSecret: sim.accessTokenSecret,
};

/** An adapter bound to `target` (the shared sim by default), recording every URL it calls. */
function make(extra: Partial<MagentoAdapterOptions> = {}, target = sim, clock = () => new Date()) {
  server.use(...magentoHandlers(target, BASE));
  const urls: string[] = [];
  const adapter = createMagentoAdapter(
    { connectionId: "con_m", storeUrl: BASE, credentials: oauth, webhookSecret: target.webhookSecret, ...extra },
    {
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
      logger: noopLogger,
      clock,
    },
  );
  return { adapter, urls };
}

const deliver = (adapter: ReturnType<typeof make>["adapter"], webhook: ReturnType<typeof sim.webhook>) =>
  adapter.parseWebhook({ rawBody: webhook.body, headers: webhook.headers, method: "POST" });

describe("Magento pagination", () => {
  it("always sends pageSize, sorts by entity_id and pages each product exactly once", async () => {
    const { adapter, urls } = make();
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await adapter.listProducts({ cursor, pageSize: 3 });
      if (!page.ok) throw page.error;
      ids.push(...page.value.items.flatMap((i) => (i.ok ? [i.value.source.externalId] : [])));
      cursor = page.value.nextCursor;
    } while (cursor);
    expect(ids).toEqual(["2000", "2001", "2002", "2003", "2004", "2005", "2006"]);
    const lists = urls.filter((u) => new URL(u).pathname.endsWith("/V1/products"));
    expect(lists).toHaveLength(3);
    for (const u of lists) {
      const q = new URL(u).searchParams;
      expect(q.get("searchCriteria[pageSize]")).toBe("3");
      expect(q.get("searchCriteria[sortOrders][0][field]")).toBe("entity_id");
    }
  });

  it("answers a page past the end with nothing, although Magento serves the last page again", async () => {
    // The trap itself: currentPage 9 of a 3-page result returns page 3's products.
    const raw = await sim.handle(
      new Request(`${BASE}/rest/default/V1/products?searchCriteria[pageSize]=3&searchCriteria[currentPage]=9`, {
        headers: { authorization: `Bearer ${sim.accessToken}` },
      }),
      "/rest/default/V1/products",
    );
    expect(raw?.status).toBe(401); // bearer is off by default since 2.4.4
    const bearerSim = createMagentoSim({ products: 7, bearerEnabled: true });
    const trap = await bearerSim.handle(
      new Request(`${BASE}/rest/default/V1/products?searchCriteria[pageSize]=3&searchCriteria[currentPage]=9`, {
        headers: { authorization: `Bearer ${bearerSim.accessToken}` },
      }),
      "/rest/default/V1/products",
    );
    expect(((await trap!.json()) as { items: unknown[] }).items).toHaveLength(1);

    const { adapter } = make();
    const page = await adapter.listProducts({ cursor: "9", pageSize: 3 });
    expect(page).toEqual({ ok: true, value: { items: [], nextCursor: null, rateLimit: null } });
  });

  it("filters incremental runs with updated_at gteq in Magento's UTC format, spaces as %20", async () => {
    const { adapter, urls } = make();
    const page = await adapter.listProducts({ updatedSince: "2025-01-01T00:03:00.000Z" });
    if (!page.ok) throw page.error;
    expect(page.value.items.map((i) => i.ok && i.value.source.externalId)).toEqual(["2003", "2004", "2005", "2006"]);
    const list = urls.find((u) => u.includes("updated_at"))!;
    expect(list).toContain("2025-01-01%2000%3A03%3A00");
    expect(list).not.toContain("+");
  });
});

describe("Magento transform", () => {
  it("resolves select option ids to labels in one call, caching them per adapter instance with a TTL", async () => {
    // Near real time: Magento refuses OAuth timestamps more than 600 s off.
    let now = Date.now();
    const { adapter } = make({ cacheTtlMs: 60_000 }, sim, () => new Date(now));
    const before = sim.stats.optionLookups;
    const first = await adapter.listProducts({ pageSize: 7 });
    if (!first.ok) throw first.error;
    const p = sim.store.products.get(1)!;
    const item = first.value.items[1];
    if (!item?.ok) throw new Error("expected a product");
    expect(item.value.brand).toBe(p.vendor);
    expect(item.value.frame).toMatchObject({
      shape: p.frame.shape,
      rim: p.frame.rim,
      material: p.frame.material,
      color: p.variants[0]!.color,
      // lens_width is a dropdown whose labels read "52 mm".
      dimensions: { lensWidthMm: p.frame.lensWidthMm, frameWidthMm: p.frame.frameWidthMm },
    });
    const lookups = sim.stats.optionLookups - before;
    expect(lookups).toBe(1); // one attribute-list call for every code the mapping reads
    await adapter.listProducts({ pageSize: 7 });
    expect(sim.stats.optionLookups - before).toBe(lookups);
    now += 61_000;
    await adapter.listProducts({ pageSize: 7 });
    expect(sim.stats.optionLookups - before).toBe(2 * lookups);
  });

  it("refreshes the labels once when a product carries an option id added since they were cached", async () => {
    const own = createMagentoSim({ products: 3 });
    const { adapter } = make({}, own);
    await adapter.listProducts({});
    own.store.updateProduct(0, { vendor: "Brand New Optics" });
    const again = await adapter.getProduct("2000");
    expect(again).toMatchObject({ ok: true, value: { product: { brand: "Brand New Optics" } } });
  });

  it("builds image URLs from base_media_url + catalog/product + file and drops disabled entries", async () => {
    const { adapter } = make();
    const images = sim.store.products.get(2)!.images;
    const one = await adapter.getProduct("2002");
    if (!one.ok || !one.value.product) throw new Error("expected a product");
    expect(one.value.product.images).toEqual([
      { url: "https://magento.example/media/catalog/product/f/r/frame-2-0.jpg", alt: images[0]!.alt, position: 0 },
      { url: "https://magento.example/media/catalog/product/f/r/frame-2-1.jpg", alt: images[1]!.alt, position: 1 },
    ]);
  });

  it("maps status 2 to draft and visibility 1 (a configurable's child) to archived", async () => {
    const own = createMagentoSim({ products: 2 });
    own.store.updateProduct(1, { status: "draft" });
    const { adapter } = make({}, own);
    const d = await adapter.getProduct("2001");
    expect(d).toMatchObject({ ok: true, value: { product: { status: "draft" } } });
    server.use(
      http.get(`${BASE}/rest/default/V1/products`, () =>
        HttpResponse.json({ items: [{ ...own.restProduct(0), visibility: 1 }], total_count: 1 }),
      ),
    );
    const child = await adapter.getProduct("2000");
    expect(child).toMatchObject({ ok: true, value: { product: { status: "archived" } } });
  });

  it("keeps ids beyond 2^53 and prices exact as strings", async () => {
    const { adapter } = make();
    const body = JSON.stringify({ items: [sim.restProduct(0)], total_count: 1 })
      .replace('"id":2000', '"id":9007199254740993')
      .replace(/"price":\d+/, '"price":129.95');
    server.use(
      http.get(
        `${BASE}/rest/default/V1/products`,
        () => new HttpResponse(body, { headers: { "content-type": "application/json" } }),
      ),
    );
    const page = await adapter.listProducts({});
    if (!page.ok) throw page.error;
    const item = page.value.items[0];
    expect(item?.ok && item.value.source.externalId).toBe("9007199254740993");
    expect(item?.ok && item.value.variants[0]?.price).toEqual({ amount: "129.95", currency: "USD" });
  });
});

describe("Magento single reads", () => {
  it("reads a SKU containing a slash with the slash URL-encoded", async () => {
    const { adapter, urls } = make();
    expect(sim.sku(3)).toBe("VR-3/B");
    const bySku = await adapter.getProductBySku("VR-3/B");
    expect(bySku).toMatchObject({ ok: true, value: { product: { source: { externalId: "2003" } } } });
    expect(urls.some((u) => u.endsWith("/V1/products/VR-3%2FB"))).toBe(true);
    const prefixed = await adapter.getProduct("sku:VR-3/B");
    expect(prefixed).toMatchObject({ ok: true, value: { product: { variants: [{ sku: "VR-3/B" }] } } });
    expect(await adapter.getProductBySku("NOPE/1")).toEqual({ ok: true, value: { product: null, rateLimit: null } });
  });

  it("uses Bearer when the store allows it and reports UNAUTHENTICATED when it does not", async () => {
    const bearerSim = createMagentoSim({ products: 2, bearerEnabled: true });
    const ok = await make({ credentials: { accessToken: bearerSim.accessToken } }, bearerSim).adapter.getStoreInfo();
    expect(ok).toEqual({ ok: true, value: { currency: "USD", name: null } });
    const refused = await make({ credentials: { accessToken: sim.accessToken } }).adapter.getStoreInfo();
    expect(refused).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });

  it("reports a host's RateLimit headers as the rate-limit signal and its 429 as RATE_LIMITED", async () => {
    const limited = createMagentoSim({ products: 3, requestsPerSecond: 20 });
    const { adapter } = make({}, limited);
    const page = await adapter.listProducts({});
    if (!page.ok) throw page.error;
    expect(page.value.rateLimit).toMatchObject({
      capacity: 20,
      restorePerSecond: 20,
      resetMs: 1000,
      windowMs: 1000,
      cost: 1,
    });
    let last = await adapter.getProduct("2000");
    for (let i = 0; i < 40 && last.ok; i++) last = await adapter.getProduct("2000");
    expect(last).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", details: { retryAfterMs: 1000 } } });
  });

  it("refuses webhook registration: events come from the VARAi module", async () => {
    const { adapter } = make();
    expect(await adapter.registerWebhooks("https://x.example/hook")).toMatchObject({
      ok: false,
      error: { code: "UNSUPPORTED" },
    });
  });
});

describe("Magento OAuth 1.0a signing", () => {
  it("reproduces the published HMAC-SHA1 vector (Twitter's 'Creating a signature')", () => {
    const sign = createMagentoOAuthSigner(
      {
        consumerKey: "xvz1evFS4wEEPTGEFPHBog",
        consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        accessToken: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        accessTokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        signatureMethod: "HMAC-SHA1",
      },
      { clock: () => new Date(1318622958 * 1000), nonce: () => "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg" },
    );
    const header = sign("POST", "https://api.twitter.com/1.1/statuses/update.json", [
      ["include_entities", "true"],
      ["status", "Hello Ladies + Gentlemen, a signed OAuth request!"],
    ]);
    expect(header).toContain('oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"');
  });

  it("signs bracketed searchCriteria keys once-encoded with HMAC-SHA256, as Magento rebuilds them", () => {
    const sign = createMagentoOAuthSigner(
      { consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats" },
      { clock: () => new Date(1_700_000_000_000), nonce: () => "n0nce" },
    );
    const header = sign("GET", "https://m.example/rest/default/V1/products", [
      ["searchCriteria[pageSize]", "2"],
      ["searchCriteria[filter_groups][0][filters][0][value]", "2025-01-01 00:00:00"],
    ]);
    // RFC 5849 §3.4.1 by hand: sorted, each key and value percent-encoded exactly once.
    const params = [
      "oauth_consumer_key=ck",
      "oauth_nonce=n0nce",
      "oauth_signature_method=HMAC-SHA256",
      "oauth_timestamp=1700000000",
      "oauth_token=at",
      "oauth_version=1.0",
      "searchCriteria%5BpageSize%5D=2",
      "searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=2025-01-01%2000%3A00%3A00",
    ].sort();
    const base = `GET&${encodeURIComponent("https://m.example/rest/default/V1/products")}&${encodeURIComponent(params.join("&"))}`;
    const expected = createHmac("sha256", "cs&ats").update(base).digest("base64");
    expect(header).toContain(`oauth_signature="${encodeURIComponent(expected)}"`);
    expect(header).toContain('oauth_signature_method="HMAC-SHA256"');
  });
});

describe("Magento module events", () => {
  const { adapter } = make();

  it("routes an event by the connection id in its URL", () => {
    const request = { rawBody: Buffer.from("{}"), headers: {}, method: "POST" };
    expect(routeMagentoWebhook({ ...request, pathParams: { connectionId: "con_9" } })).toEqual({
      ok: true,
      value: { by: "connectionId", value: "con_9" },
    });
    expect(routeMagentoWebhook(request)).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it("accepts a signed thin event as an upsert keyed by event_id, for the engine to fetch by SKU", () => {
    const result = deliver(adapter, sim.webhook("product.updated", { index: 3, eventId: "evt-42" }));
    expect(result).toEqual({
      ok: true,
      value: {
        kind: "product.upsert",
        topic: "product.updated",
        dedupeKey: "event:evt-42",
        occurredAt: expect.any(String),
        externalId: "2003",
        updatedAt: sim.store.products.get(3)!.updatedAt.replace(/\.\d{3}Z$/, ".000Z"),
        product: null,
        fetchId: "sku:VR-3/B",
      },
    });
  });

  it("rejects a bad or a missing signature (401), before reading the body", () => {
    expect(deliver(adapter, sim.webhook("product.updated", { signature: "bad" }))).toMatchObject({
      ok: false,
      error: { reason: "bad-signature", status: 401 },
    });
    const unsigned = sim.webhook("product.updated", { signature: "none" });
    expect(deliver(adapter, unsigned)).toMatchObject({ ok: false, error: { reason: "unauthenticated", status: 401 } });
  });

  it("refuses headers that disagree with the signed body", () => {
    const w = sim.webhook("product.updated", { index: 1 });
    const forged = { ...w, headers: { ...w.headers, "x-varai-topic": "product.deleted" } };
    expect(deliver(adapter, forged)).toMatchObject({ ok: false, error: { reason: "malformed" } });
  });

  it("turns product.deleted into a delete and connection.test into a ping", () => {
    expect(deliver(adapter, sim.webhook("product.deleted", { index: 2 }))).toMatchObject({
      ok: true,
      value: { kind: "product.delete", externalId: "2002" },
    });
    const body = JSON.stringify({ event: "connection.test", event_id: "t1", store_code: "default", occurred_at: null });
    const ping = adapter.parseWebhook({
      rawBody: Buffer.from(body),
      method: "POST",
      headers: {
        "x-varai-topic": "connection.test",
        "x-varai-event-id": "t1",
        "x-varai-signature": signBase64HmacSha256(body, sim.webhookSecret),
      },
    });
    expect(ping).toEqual({ ok: true, value: { kind: "ping" } });
  });

  const signed = (payload: Record<string, unknown>) => {
    const body = JSON.stringify(payload);
    return adapter.parseWebhook({
      rawBody: Buffer.from(body),
      method: "POST",
      headers: {
        "x-varai-topic": String(payload.event),
        "x-varai-event-id": String(payload.event_id),
        "x-varai-signature": signBase64HmacSha256(body, sim.webhookSecret),
      },
    });
  };
  const placed = {
    event: "order.placed",
    event_id: "o1",
    store_code: "default",
    occurred_at: "2026-01-05T10:00:05Z",
    order: {
      id: 901,
      increment_id: "000000901",
      currency: "EUR",
      grand_total: "339.80",
      created_at: "2026-01-05 10:00:00",
      varai_session_id: "ses_abc123",
      items: [
        { product_id: 2003, sku: "VR-3/B", qty: 2, price: "129.90" },
        { product_id: 2004, sku: "VR-4", qty: 1, price: "80.00" },
      ],
    },
  };

  it("maps order.placed to an order (a purchase) with its VARAi session, one per order", () => {
    expect(signed(placed)).toEqual({
      ok: true,
      value: {
        kind: "order",
        topic: "order.placed",
        dedupeKey: "order:901:placed",
        occurredAt: "2026-01-05T10:00:00.000Z",
        orderId: "901",
        currency: "EUR",
        total: "339.80",
        lineItems: [
          { productExternalId: "2003", quantity: 2, price: "129.90" },
          { productExternalId: "2004", quantity: 1, price: "80.00" },
        ],
        varaiSessionId: "ses_abc123",
      },
    });
  });

  it("keeps an order without a usable session unattributed and refuses one without order data", () => {
    const overlong = { ...placed, order: { ...placed.order, varai_session_id: "s".repeat(129) } };
    expect(signed(overlong)).toMatchObject({ ok: true, value: { kind: "order", varaiSessionId: null } });
    expect(signed({ ...placed, order: { ...placed.order, varai_session_id: null } })).toMatchObject({
      ok: true,
      value: { varaiSessionId: null },
    });
    expect(signed({ ...placed, order: undefined })).toMatchObject({ ok: false, error: { reason: "malformed" } });
    expect(signed({ ...placed, order: { ...placed.order, currency: "euro" } })).toMatchObject({
      ok: false,
      error: { reason: "malformed" },
    });
  });
});

describe("exact JSON", () => {
  it("keeps prices as decimal text and 64-bit ids exact, and leaves look-alikes inside strings alone", () => {
    const text =
      '{"id":788032119674292922,"price":129.90,"n":3,"variants":[{"price":null}],"name":"a \\"price\\": 12.5, 12345678901234567"}';
    expect(parseMagentoJson(text)).toEqual({
      id: "788032119674292922",
      price: "129.90",
      n: 3,
      variants: [{ price: null }],
      name: 'a "price": 12.5, 12345678901234567',
    });
    expect(parseMagentoJson('{"note":"x: 12345678901234567, y","price":0}')).toEqual({
      note: "x: 12345678901234567, y",
      price: "0",
    });
  });
});
