import { deriveWebhookToken } from "@varai/adapter-bigcommerce";
import { afterEach, describe, expect, it } from "vitest";
import { COLLECTION_DEFS, type DeliveryDoc } from "./collections.ts";
import { finishedRun, type Harness, type Json, startHarness, TENANT, waitFor } from "./test-harness.ts";

// Engine scenarios for the thin-payload platforms (Magento module events, BigCommerce callbacks)
// against the platform simulator: duplicates, ordering, deletes, signatures, pagination traps,
// rate limits and hook health.

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const allProducts = async () => {
  const out: Json[] = [];
  for (const status of ["active", "draft", "archived", "deleted"])
    out.push(...(await h.api("GET", `/v1/products?limit=100&status=${status}`)).body.items);
  return out;
};
const product = async (externalId: string) => (await allProducts()).find((p) => p.source.externalId === externalId);
const settle = () => new Promise((r) => setTimeout(r, 150));

describe("BigCommerce on the engine", () => {
  // Without a sync, no hook was registered through the API: deliveries carry the header value the
  // adapter would have set (derived from the client secret and the store hash).
  const unregistered = (products: number) => {
    const clientSecret = "bc-client-secret-test";
    const storeHash = "bcstore42";
    return { products, clientSecret, storeHash, webhookToken: deriveWebhookToken(clientSecret, storeHash) };
  };
  const hookUrl = () => `${h.url}/webhooks/bigcommerce`;
  const send = async (scope: string, options: Parameters<Harness["sim"]["bigcommerce"]["webhook"]>[1] = {}) =>
    (await h.sim.send(hookUrl(), h.sim.bigcommerce.webhook(scope, options)))[0];

  it("erases the shop 48 hours after an uninstall (BigCommerce sends no later redaction), once", async () => {
    h = await startHarness({ bigcommerce: unregistered(1) }, { autoSync: false, shopRedactDelayMs: 200 });
    const conn = await h.connect("bigcommerce");
    expect(await send("store/app/uninstalled")).toBe(200);
    expect(await send("store/app/uninstalled")).toBe(200);
    await waitFor(async () => (await h.api("GET", `/v1/connections/${conn.id}`)).body.status === "uninstalled");
    expect(h.privacy).toEqual([]);
    await waitFor(async () => h.privacy.length === 1);
    expect(h.privacy[0]).toMatchObject({ kind: "shop-redact", platform: "bigcommerce", connectionId: conn.id });
    await settle();
    expect(h.privacy).toHaveLength(1);
  });

  it("backfills the catalog with custom-field frames and registers its three product hooks with our header", async () => {
    h = await startHarness({ bigcommerce: { products: 12, variableFraction: 0.3 } });
    const conn = await h.connect("bigcommerce");
    expect(conn.webhookUrl).toBe("https://varai.example/webhooks/bigcommerce");
    const run = await finishedRun(h, conn.id, conn.lastSync.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { fetched: 12, upserted: 12, failed: 0 } });
    const sim = h.sim.bigcommerce.store.products.get(4)!;
    const stored = await product(h.sim.bigcommerce.externalId(4));
    expect(stored.frame.dimensions).toMatchObject({ frameWidthMm: sim.frame.frameWidthMm });
    expect(stored.variants).toHaveLength(sim.variants.length);
    expect(h.sim.bigcommerce.hooks.map((x) => x.scope).sort()).toEqual([
      "store/product/created",
      "store/product/deleted",
      "store/product/updated",
    ]);
    expect(h.sim.bigcommerce.hooks.every((x) => x.is_active && x.destination === conn.webhookUrl)).toBe(true);
    expect(JSON.stringify(conn)).not.toContain(h.sim.bigcommerce.accessToken);
  });

  it("fetches the product for a thin update and acks the same hash again as a duplicate", async () => {
    h = await startHarness({ bigcommerce: unregistered(3) }, { autoSync: false });
    const conn = await h.connect("bigcommerce");
    h.sim.bigcommerce.store.updateProduct(1, { title: "Aria BC" });
    const before = h.sim.bigcommerce.stats.requests;
    // BigCommerce re-sends one event with the same `hash` (and a new Standard Webhooks id).
    expect(await send("store/product/updated", { index: 1, hash: "h-1" })).toBe(200);
    expect(await send("store/product/updated", { index: 1, hash: "h-1" })).toBe(200);
    await waitFor(async () => (await product(h.sim.bigcommerce.externalId(1)))?.title === "Aria BC");
    await settle();
    expect(h.sim.bigcommerce.stats.requests - before).toBe(1); // one fetch for the two deliveries
    const stats = (await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats;
    expect(stats).toMatchObject({ accepted: 1, duplicates: 1, rejectedSignatures: 0 });
    // The durable delivery record is written after the ack, in a batch: one record for the two.
    const records = h.deps.store.tenantCollection<DeliveryDoc>(COLLECTION_DEFS.deliveries);
    const written = await waitFor(async () => {
      const docs = await records.find(TENANT, { connectionId: conn.id });
      return docs.length > 0 ? docs : null;
    }, 3000);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ topic: "store/product/updated", outcome: "accepted" });
  });

  it("applies the platform's current state whatever order the callbacks arrive in", async () => {
    h = await startHarness({ bigcommerce: unregistered(2) }, { autoSync: false });
    await h.connect("bigcommerce");
    h.sim.bigcommerce.store.updateProduct(0, { title: "First" });
    const older = h.sim.bigcommerce.webhook("store/product/updated", { index: 0 });
    h.sim.bigcommerce.store.updateProduct(0, { title: "Second" });
    const newer = h.sim.bigcommerce.webhook("store/product/updated", { index: 0 });
    await h.sim.send(hookUrl(), newer);
    await waitFor(async () => (await product(h.sim.bigcommerce.externalId(0)))?.title === "Second");
    expect(await h.sim.send(hookUrl(), older)).toEqual([200]);
    await settle();
    expect((await product(h.sim.bigcommerce.externalId(0))).title).toBe("Second");
  });

  it("tombstones on store/product/deleted without a fetch, and marks deleted when an update's fetch is a 404", async () => {
    h = await startHarness({ bigcommerce: { products: 4 } });
    const conn = await h.connect("bigcommerce");
    await finishedRun(h, conn.id, conn.lastSync.id);
    const before = h.sim.bigcommerce.stats.requests;
    expect(await send("store/product/deleted", { index: 2 })).toBe(200);
    await waitFor(async () => (await product(h.sim.bigcommerce.externalId(2)))?.status === "deleted");
    expect(h.sim.bigcommerce.stats.requests).toBe(before);

    const gone = h.sim.bigcommerce.webhook("store/product/updated", { index: 3 });
    h.sim.bigcommerce.store.deleteProduct(3);
    await h.sim.send(hookUrl(), gone);
    await waitFor(async () => (await product(h.sim.bigcommerce.externalId(3)))?.status === "deleted");
    expect(h.sim.bigcommerce.stats.requests).toBe(before + 1);
  });

  it("refuses bad tokens, bad or replayed Standard Webhooks signatures and unknown stores: nothing stored, no call out", async () => {
    h = await startHarness({ bigcommerce: unregistered(2) }, { autoSync: false });
    const conn = await h.connect("bigcommerce");
    const before = h.sim.bigcommerce.stats.requests;
    expect(await send("store/product/updated", { signature: "bad" })).toBe(401);
    expect(await send("store/product/updated", { token: "wrong-token-value" })).toBe(401);
    expect(await send("store/product/updated", { standard: { secret: "not-the-client-secret" } })).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect(await send("store/product/updated", { standard: { timestamp: sixMinutesAgo } })).toBe(401);
    // No hook token at all is unauthenticated too (401), and counted as a refused signature.
    expect(await send("store/product/updated", { token: null })).toBe(401);
    const otherStore = JSON.stringify({
      scope: "store/product/updated",
      store_id: "1",
      data: { type: "product", id: 110 },
      hash: "x",
      created_at: 1,
      producer: "stores/unknownhash",
    });
    expect(await send("store/product/updated", { body: otherStore })).toBe(404);
    expect(await send("store/product/updated", { body: '{"no":"producer"}' })).toBe(400);
    await settle();
    expect(await allProducts()).toHaveLength(0);
    expect(h.sim.bigcommerce.stats.requests).toBe(before);
    expect((await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats.rejectedSignatures).toBe(5);
    // Within the window, a correctly signed delivery is accepted.
    const fourMinutesAgo = Math.floor(Date.now() / 1000) - 4 * 60;
    expect(await send("store/product/updated", { standard: { timestamp: fourMinutesAgo } })).toBe(200);
  });

  it("the governor learns the quota from the headers and slows the backfill before a 429", async () => {
    h = await startHarness({ bigcommerce: { products: 60, quota: 6, windowMs: 400 } }, { sync: { pageSize: 5 } });
    const started = Date.now();
    const conn = await h.connect("bigcommerce");
    const run = await finishedRun(h, conn.id, conn.lastSync.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { upserted: 60 } });
    // 12 pages + setup calls is more than two windows' quota: it had to wait for resets.
    expect(h.sim.bigcommerce.stats.requests).toBeGreaterThan(12);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 400);
    expect(h.sim.bigcommerce.stats.throttled).toBe(0);
  });

  it("a 429 makes the run wait for the window's reset and continue", async () => {
    // A 3 s window, so that it has not reset yet when the run's first call arrives on a loaded
    // machine (at 300 ms it often had, and the run never saw the 429).
    h = await startHarness({ bigcommerce: { products: 8, quota: 50, windowMs: 3000 } }, { autoSync: false });
    const conn = await h.connect("bigcommerce");
    h.sim.bigcommerce.exhaustQuota();
    const started = await h.api("POST", `/v1/connections/${conn.id}/sync`, { mode: "full" });
    const run = await finishedRun(h, conn.id, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { upserted: 8 } });
    expect(h.sim.bigcommerce.stats.throttled).toBeGreaterThanOrEqual(1);
  });

  it("reconciliation re-activates hooks BigCommerce deactivated and catches the changes they missed", async () => {
    h = await startHarness({ bigcommerce: { products: 5 } });
    const conn = await h.connect("bigcommerce");
    await finishedRun(h, conn.id, conn.lastSync.id);
    h.sim.bigcommerce.deactivateHooks();
    h.sim.bigcommerce.store.updateProduct(2, { title: "Changed while hooks were off" });
    await h.service.reconcile();
    expect(h.sim.bigcommerce.hooks).toHaveLength(3);
    expect(h.sim.bigcommerce.hooks.every((x) => x.is_active)).toBe(true);
    const check = (await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookCheck;
    expect(check).toMatchObject({ reactivated: 3, created: 0, error: null });
    await waitFor(
      async () => (await product(h.sim.bigcommerce.externalId(2)))?.title === "Changed while hooks were off",
    );
  });
});

describe("Magento on the engine", () => {
  const hookUrl = (conn: Json) => `${h.url}/webhooks/magento/${conn.id}`;
  const send = async (conn: Json, event: string, options: Parameters<Harness["sim"]["magento"]["webhook"]>[1] = {}) =>
    (await h.sim.send(hookUrl(conn), h.sim.magento.webhook(event, options)))[0];

  it("backfills over OAuth 1.0a through the pagination trap: each page once, stopped at total_count", async () => {
    h = await startHarness({ magento: { products: 25 } }, { sync: { pageSize: 10 } });
    const conn = await h.connect("magento");
    expect(conn).toMatchObject({
      storeCode: "default",
      webhookUrl: `https://varai.example/webhooks/magento/${conn.id}`,
    });
    const run = await finishedRun(h, conn.id, conn.lastSync.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { fetched: 25, upserted: 25, failed: 0 } });
    const pages = h.sim.magento.store.requestLog.filter((l) => l.startsWith("magento GET /products "));
    // Page 4 would answer page 3 again (magento2 #8099): total_count ends the run first.
    expect(pages.map((l) => l.split(" ").at(-1))).toEqual(["1", "2", "3"]);
    expect(h.sim.magento.stats.unauthorized).toBe(0);
    const p = h.sim.magento.store.products.get(7)!;
    const stored = await product(h.sim.magento.externalId(7));
    expect(stored.frame).toMatchObject({ shape: p.frame.shape, dimensions: { lensWidthMm: p.frame.lensWidthMm } });
    expect(stored.images[0].url).toMatch(/^https:\/\/magento\.example\/media\/catalog\/product\//);
    expect((await allProducts()).length).toBe(25);
  });

  it("a resumed cursor past a shrunken catalog ends the run instead of re-reading the last page", async () => {
    h = await startHarness({ magento: { products: 30 } }, { sync: { pageSize: 10 } });
    const conn = await h.connect("magento");
    await finishedRun(h, conn.id, conn.lastSync.id);
    for (let i = 0; i < 25; i++) h.sim.magento.store.deleteProduct(i); // 5 left: one page
    const before = (await allProducts()).filter((p) => p.status !== "deleted").length;
    const started = await h.api("POST", `/v1/connections/${conn.id}/sync`, { mode: "full" });
    const run = await finishedRun(h, conn.id, started.body.id);
    expect(before).toBe(30);
    expect(run).toMatchObject({ status: "succeeded", counts: { fetched: 5, failed: 0 } });
  });

  it("keeps the option-label cache across runs (the registry reuses the adapter)", async () => {
    h = await startHarness({ magento: { products: 12 } }, { sync: { pageSize: 5 } });
    const conn = await h.connect("magento");
    await finishedRun(h, conn.id, conn.lastSync.id);
    const lookups = h.sim.magento.stats.optionLookups;
    expect(lookups).toBeGreaterThan(0);
    const again = await h.api("POST", `/v1/connections/${conn.id}/sync`, { mode: "full" });
    expect((await finishedRun(h, conn.id, again.body.id)).status).toBe("succeeded");
    expect(h.sim.magento.stats.optionLookups).toBe(lookups);
  });

  it("a signed module event is fetched by SKU (slashes encoded) and applied; its event_id dedupes", async () => {
    h = await startHarness({ magento: { products: 5 } }, { autoSync: false });
    const conn = await h.connect("magento");
    h.sim.magento.store.updateProduct(3, { title: "Slash SKU renamed" });
    expect(await send(conn, "product.updated", { index: 3, eventId: "evt-1" })).toBe(200);
    expect(await send(conn, "product.updated", { index: 3, eventId: "evt-1" })).toBe(200);
    await waitFor(async () => (await product(h.sim.magento.externalId(3)))?.title === "Slash SKU renamed");
    expect(h.sim.magento.sku(3)).toBe("VR-3/B");
    expect(h.sim.magento.store.requestLog.some((l) => l.startsWith("magento GET /products/VR-3%2FB"))).toBe(true);
    const stats = (await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats;
    expect(stats).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it("product.deleted tombstones without a fetch; an update whose product is gone becomes a delete", async () => {
    h = await startHarness({ magento: { products: 4 } });
    const conn = await h.connect("magento");
    await finishedRun(h, conn.id, conn.lastSync.id);
    const before = h.sim.magento.stats.requests;
    expect(await send(conn, "product.deleted", { index: 1 })).toBe(200);
    await waitFor(async () => (await product(h.sim.magento.externalId(1)))?.status === "deleted");
    expect(h.sim.magento.stats.requests).toBe(before);

    const gone = h.sim.magento.webhook("product.updated", { index: 2 });
    h.sim.magento.store.deleteProduct(2);
    await h.sim.send(hookUrl(conn), gone);
    await waitFor(async () => (await product(h.sim.magento.externalId(2)))?.status === "deleted");
  });

  it("refuses bad and missing signatures and unknown connections; the test button is a plain 200", async () => {
    h = await startHarness({ magento: { products: 2 } }, { autoSync: false });
    const conn = await h.connect("magento");
    const before = h.sim.magento.stats.requests;
    expect(await send(conn, "product.updated", { signature: "bad" })).toBe(401);
    expect(await send(conn, "product.updated", { signature: "none" })).toBe(401);
    expect(await send({ id: "con_unknown" }, "product.updated")).toBe(404);
    expect(await send(conn, "connection.test")).toBe(200);
    await settle();
    expect(await allProducts()).toHaveLength(0);
    expect(h.sim.magento.stats.requests).toBe(before);
    expect((await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats.rejectedSignatures).toBe(2);
  });

  it("validates the store code", async () => {
    h = await startHarness({}, { autoSync: false });
    const bad = await h.api("POST", "/v1/connections", {
      platform: "magento",
      name: "x",
      storeUrl: "https://m.example",
      storeCode: "../admin",
      credentials: { accessToken: "t" },
      webhookSecret: "s",
    });
    expect(bad.status).toBe(400);
  });
});
