import { gzipSync } from "node:zlib";
import { COLLECTIONS, createGuardedFetch, QUEUES } from "@varai/runtime";
import { rawRequest, SHOPIFY_FIRST_PRODUCT_ID, sendRaw } from "@varai/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { CATALOG_QUEUES, COLLECTION_DEFS } from "./collections.ts";
import { SIGNATURE_FAILURE_POLICY } from "./signature-guard.ts";
import {
  finishedRun,
  type Harness,
  type Json,
  simConnectionBody,
  startHarness,
  TENANT,
  waitFor,
} from "./test-harness.ts";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const product = async (externalId: string) => {
  const all = await h.api("GET", "/v1/products?limit=100&status=active");
  const deleted = await h.api("GET", "/v1/products?limit=100&status=deleted");
  const draft = await h.api("GET", "/v1/products?limit=100&status=draft");
  return [...all.body.items, ...deleted.body.items, ...draft.body.items].find(
    (p: Json) => p.source.externalId === externalId,
  );
};
const shopifyHook = async (topic: string, options: Parameters<Harness["sim"]["shopify"]["webhook"]>[1] = {}) =>
  (await h.sim.send(`${h.url}/webhooks/shopify`, h.sim.shopify.webhook(topic, options)))[0];
const countProducts = async () => {
  let n = 0;
  for (const status of ["active", "draft", "deleted"])
    n += (await h.api("GET", `/v1/products?limit=100&status=${status}`)).body.items.length;
  return n;
};

describe("connections and backfill", () => {
  it("backfills a Shopify store with exact 64-bit ids, registers webhooks and never returns credentials", async () => {
    h = await startHarness({ shopify: { products: 12 } });
    const conn = await h.connect("shopify");
    expect(conn.webhookUrl).toBe("https://varai.example/webhooks/shopify");
    expect(JSON.stringify(conn)).not.toContain(h.sim.shopify.accessToken);
    const run = await finishedRun(h, conn.id, conn.lastSync.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { fetched: 12, upserted: 12, failed: 0 } });
    expect(await countProducts()).toBe(12);
    const first = await product(SHOPIFY_FIRST_PRODUCT_ID);
    expect(first.frame.dimensions.frameWidthMm).toBe(h.sim.shopify.store.products.get(0)!.frame.frameWidthMm);
    expect(h.sim.shopify.subscriptions.map((s) => s.topic)).toContain("PRODUCTS_UPDATE");
    const got = await h.api("GET", `/v1/connections/${conn.id}`);
    expect(got.body).toMatchObject({ health: "healthy", currency: "USD", lastSync: { status: "succeeded" } });
    expect(JSON.stringify(got.body)).not.toMatch(/Cipher|shpat_/);
  });

  it("backfills WooCommerce over OAuth 1.0a (plain HTTP) with variations and frame attributes", async () => {
    h = await startHarness({ woocommerce: { products: 15, variableFraction: 0.4 } });
    const conn = await h.connect("woocommerce");
    expect(conn.webhookUrl).toBe(`https://varai.example/webhooks/woocommerce/${conn.id}`);
    const run = await finishedRun(h, conn.id, conn.lastSync.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { fetched: 15, upserted: 15 } });
    expect(h.sim.woocommerce.stats.unauthorized).toBe(0);
    const variable = [...h.sim.woocommerce.store.products.values()].find((p) => p.variants.length > 1)!;
    const stored = await product(h.sim.woocommerce.externalId(variable.index));
    expect(stored.variants).toHaveLength(variable.variants.length);
    expect(stored.frame.dimensions.templeLengthMm).toBe(variable.frame.templeLengthMm);
    expect(h.sim.woocommerce.webhooks.map((w) => w.topic).sort()).toEqual(
      ["order.created", "product.created", "product.deleted", "product.updated"].sort(),
    );
  });

  it("resumes a backfill after a crash from the persisted cursor: nothing lost, nothing duplicated", async () => {
    h = await startHarness({ shopify: { products: 40, latencyMs: 40 } }, { sync: { pageSize: 5 } });
    const conn = await h.connect("shopify");
    await waitFor(async () => {
      const r = await h.api("GET", `/v1/connections/${conn.id}/sync-runs/${conn.lastSync.id}`);
      return r.body.counts.fetched >= 10;
    });
    await h.restart(); // the first process stops mid-run; a new one takes over
    const run = await finishedRun(h, conn.id, conn.lastSync.id);
    expect(run.status).toBe("succeeded");
    expect(await countProducts()).toBe(40);
    // Each page was requested once: the new process continued from the cursor, not from the start.
    const pageRequests = h.sim.shopify.store.requestLog.filter((l) => l.includes("VaraiProducts"));
    expect(new Set(pageRequests).size).toBe(pageRequests.length);
    expect(run.counts.upserted).toBe(40);
  });

  it("runs incremental syncs from the last run's start minus the overlap window", async () => {
    h = await startHarness({ woocommerce: { products: 10 } });
    const conn = await h.connect("woocommerce");
    await finishedRun(h, conn.id, conn.lastSync.id);
    h.sim.woocommerce.store.updateProduct(3, { title: "Renamed 3" });
    h.sim.woocommerce.store.updateProduct(7, { title: "Renamed 7" });
    const started = await h.api("POST", `/v1/connections/${conn.id}/sync`, { mode: "incremental" });
    expect(started.status).toBe(202);
    expect(started.body.updatedSince).not.toBeNull();
    const run = await finishedRun(h, conn.id, started.body.id);
    expect(run.counts).toMatchObject({ fetched: 2, upserted: 2 });
    expect((await product("103")).title).toBe("Renamed 3");
  });

  it("reconciliation catches missed webhooks and re-registers a removed subscription", async () => {
    h = await startHarness({ shopify: { products: 6 } });
    const conn = await h.connect("shopify");
    await finishedRun(h, conn.id, conn.lastSync.id);
    h.sim.shopify.subscriptions.splice(0, 2);
    h.sim.shopify.store.updateProduct(2, { title: "Changed without a webhook" });
    await h.service.reconcile();
    expect(h.sim.shopify.subscriptions).toHaveLength(5);
    await waitFor(async () => (await product(h.sim.shopify.externalId(2)))?.title === "Changed without a webhook");
  });

  it("the rate governor slows a backfill before Shopify throttles it", async () => {
    h = await startHarness({ shopify: { products: 60, bucketSize: 200, restoreRate: 400 } }, { sync: { pageSize: 5 } });
    const conn = await h.connect("shopify");
    const run = await finishedRun(h, conn.id, conn.lastSync.id);
    expect(run.status).toBe("succeeded");
    expect(h.sim.shopify.stats.pointsSpent).toBeGreaterThan(600); // more than the bucket: it had to wait for restores
    expect(h.sim.shopify.stats.throttled).toBe(0);
  });

  it("a THROTTLED answer makes the run wait and continue", async () => {
    // A slow refill (a 10-product page costs 102 points: 0.5 s at 200/s), so that the bucket is still
    // short when the run's first query arrives even on a loaded machine.
    h = await startHarness({ shopify: { products: 10, restoreRate: 200 } }, { autoSync: false });
    const conn = await h.connect("shopify");
    h.sim.shopify.drainBucket();
    const started = await h.api("POST", `/v1/connections/${conn.id}/sync`, { mode: "full" });
    const run = await finishedRun(h, conn.id, started.body.id);
    expect(run).toMatchObject({ status: "succeeded", counts: { upserted: 10 } });
    expect(h.sim.shopify.stats.throttled).toBeGreaterThanOrEqual(1);
  });

  it("refuses an invalid connection body and a second connection to the same shop", async () => {
    h = await startHarness({}, { autoSync: false });
    const bad = await h.api("POST", "/v1/connections", {
      platform: "shopify",
      name: "x",
      shopDomain: "nope",
      credentials: {},
    });
    expect(bad.status).toBe(400);
    await h.connect("shopify");
    const again = await h.api("POST", "/v1/connections", {
      platform: "shopify",
      name: "again",
      shopDomain: h.sim.shopify.shopDomain,
      credentials: { accessToken: "x" },
    });
    expect(again.status).toBe(409);
  });

  it("refuses a connection whose API base is plain http, loopback, private or the metadata address (400, nothing written)", async () => {
    // The default guard, as in production: no VARAI_ALLOW_PRIVATE_UPSTREAMS.
    const strict = createGuardedFetch();
    h = await startHarness({}, { autoSync: false, fetch: strict });
    const shopify = simConnectionBody(h.sim, "shopify");
    const woo = simConnectionBody(h.sim, "woocommerce");
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [shopify, "apiBaseUrl", "scheme"], // http://127.0.0.1:<sim>
      [{ ...shopify, apiBaseUrl: "https://127.0.0.1:8443" }, "apiBaseUrl", "address"],
      [{ ...shopify, apiBaseUrl: "https://[::ffff:127.0.0.1]/" }, "apiBaseUrl", "address"],
      [{ ...shopify, apiBaseUrl: "https://localhost/" }, "apiBaseUrl", "address"],
      [{ ...woo, apiBaseUrl: "https://10.0.0.12/wp-json" }, "apiBaseUrl", "address"],
      [{ ...woo, apiBaseUrl: undefined, storeUrl: "https://169.254.169.254/latest" }, "storeUrl", "address"],
    ];
    for (const [body, path, refusal] of cases) {
      const res = await h.api("POST", "/v1/connections", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({
        code: "INVALID_INPUT",
        reason: "UPSTREAM_REFUSED",
        refusal,
        issues: [{ path }],
      });
    }
    expect((await h.api("GET", "/v1/connections")).body.items).toEqual([]);
    expect(h.sim.shopify.stats.requests).toBe(0);
    await strict.close();
  });
});

describe("webhook intake and the worker", () => {
  it("applies a signed update, acks a duplicate with 200 and bumps the catalog version", async () => {
    h = await startHarness({ shopify: { products: 3 } }, { autoSync: false });
    const conn = await h.connect("shopify");
    const version = await h.catalogVersion();
    h.sim.shopify.store.updateProduct(1, { title: "Aria Pro" });
    expect(await shopifyHook("products/update", { index: 1, eventId: "e-1" })).toBe(200);
    expect(await shopifyHook("products/update", { index: 1, eventId: "e-1" })).toBe(200);
    await waitFor(async () => (await product(h.sim.shopify.externalId(1)))?.title === "Aria Pro");
    expect(await h.catalogVersion()).toBeGreaterThan(version);
    const stats = (await h.api("GET", `/v1/connections/${conn.id}`)).body;
    expect(stats.webhookStats).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(stats.lastDeliveryAt).not.toBeNull();
  });

  it("keeps the newest version when deliveries arrive out of order", async () => {
    h = await startHarness({ shopify: { products: 3 } }, { autoSync: false });
    await h.connect("shopify");
    h.sim.shopify.store.updateProduct(0, { title: "Old" });
    const older = h.sim.shopify.webhook("products/update", { index: 0 });
    h.sim.shopify.store.updateProduct(0, { title: "New" });
    const newer = h.sim.shopify.webhook("products/update", { index: 0 });
    await h.sim.send(`${h.url}/webhooks/shopify`, newer);
    await waitFor(async () => (await product(SHOPIFY_FIRST_PRODUCT_ID))?.title === "New");
    expect((await h.sim.send(`${h.url}/webhooks/shopify`, older))[0]).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect((await product(SHOPIFY_FIRST_PRODUCT_ID)).title).toBe("New");
  });

  it("a delete is a tombstone that a late, older update cannot revive", async () => {
    h = await startHarness({ shopify: { products: 3 } }, { autoSync: false });
    await h.connect("shopify");
    await shopifyHook("products/create", { index: 2 });
    const id = h.sim.shopify.externalId(2);
    await waitFor(async () => (await product(id))?.status === "active");
    const late = h.sim.shopify.webhook("products/update", { index: 2 });
    await shopifyHook("products/delete", { index: 2 });
    await waitFor(async () => (await product(id))?.status === "deleted");
    await h.sim.send(`${h.url}/webhooks/shopify`, late);
    await new Promise((r) => setTimeout(r, 100));
    const stored = await product(id);
    expect(stored.status).toBe("deleted");
    expect(stored.deletedAt).not.toBeNull();
  });

  it("fetches the product for a thin payload, and marks it deleted when the fetch is a 404", async () => {
    h = await startHarness({ shopify: { products: 4, webhookMetafields: false } }, { autoSync: false });
    await h.connect("shopify");
    const before = h.sim.shopify.stats.requests;
    await shopifyHook("products/update", { index: 3 });
    await waitFor(async () => (await product(h.sim.shopify.externalId(3)))?.status === "active");
    expect(h.sim.shopify.stats.requests).toBeGreaterThan(before);
    expect((await product(h.sim.shopify.externalId(3))).frame.dimensions.frameWidthMm).toBeGreaterThan(90);
    const gone = h.sim.shopify.webhook("products/update", { index: 1 });
    h.sim.shopify.store.deleteProduct(1);
    await h.sim.send(`${h.url}/webhooks/shopify`, gone);
    await waitFor(async () => (await product(h.sim.shopify.externalId(1)))?.status === "deleted");
  });

  it("collapses WooCommerce's repeated deliveries of one save and answers the ping with exactly 200", async () => {
    h = await startHarness({ woocommerce: { products: 3 } }, { autoSync: false });
    const conn = await h.connect("woocommerce");
    const target = `${h.url}/webhooks/woocommerce/${conn.id}`;
    expect(await h.sim.send(target, h.sim.woocommerce.webhooksFor("product.updated", { index: 0, copies: 3 }))).toEqual(
      [200, 200, 200],
    );
    expect(await h.sim.send(target, h.sim.woocommerce.ping())).toEqual([200]);
    await waitFor(async () => (await product("100"))?.status === "active");
    const stats = (await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats;
    expect(stats).toEqual({ accepted: 1, duplicates: 2, rejectedSignatures: 0, malformed: 0 });
    expect(await h.sim.send(target, h.sim.woocommerce.webhooksFor("product.deleted", { index: 0 }))).toEqual([200]);
    await waitFor(async () => (await product("100"))?.status === "deleted");
  });

  it("rejects bad signatures with 401: nothing stored, no call to the platform", async () => {
    h = await startHarness({ woocommerce: { products: 3 } }, { autoSync: false });
    const conn = await h.connect("woocommerce");
    const before = h.sim.woocommerce.stats.requests;
    const target = `${h.url}/webhooks/woocommerce/${conn.id}`;
    expect(await h.sim.send(target, h.sim.woocommerce.webhooksFor("product.updated", { signature: "bad" }))).toEqual([
      401,
    ]);
    expect(await shopifyHook("products/update", { signature: "bad" })).toBe(404); // no Shopify connection here
    await new Promise((r) => setTimeout(r, 50));
    expect(await countProducts()).toBe(0);
    expect(h.sim.woocommerce.stats.requests).toBe(before);
    expect((await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats.rejectedSignatures).toBe(1);
  });

  it("refuses a client that keeps sending bad signatures (429, unread) while others still get through", async () => {
    h = await startHarness({ shopify: { products: 2 } }, { autoSync: false });
    const conn = await h.connect("shopify");
    const { points } = SIGNATURE_FAILURE_POLICY;
    const forged = Array.from({ length: points + 1 }, () =>
      h.sim.shopify.webhook("products/update", { signature: "bad" }),
    );
    expect(new Set(await h.sim.send(`${h.url}/webhooks/shopify`, forged))).toEqual(new Set([401]));
    // The budget is spent: even a correctly signed delivery from this client is refused, before verification.
    const blocked = await fetch(`${h.url}/webhooks/shopify`, {
      method: "POST",
      headers: h.sim.shopify.webhook("products/update", { index: 0 }).headers,
      body: new Uint8Array(h.sim.shopify.webhook("products/update", { index: 0 }).body),
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(60);
    // Another client (a proxy on loopback forwarding for another address) is unaffected.
    const other = h.sim.shopify.webhook("products/update", { index: 0 });
    const res = await fetch(`${h.url}/webhooks/shopify`, {
      method: "POST",
      headers: { ...other.headers, "x-forwarded-for": "203.0.113.7" },
      body: new Uint8Array(other.body),
    });
    expect(res.status).toBe(200);
    await waitFor(async () => (await product(h.sim.shopify.externalId(0))) !== undefined);
    expect((await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats.rejectedSignatures).toBe(points + 1);
  });

  it("answers 413 over 5 MB, 400 for signed malformed JSON (counted), 404 for an unknown connection, 405 for GET", async () => {
    h = await startHarness({ shopify: { products: 2 } }, { autoSync: false });
    const conn = await h.connect("shopify");
    const big = h.sim.shopify.webhook("products/update", { body: `{"pad":"${"x".repeat(5 * 1024 * 1024)}"}` });
    expect((await h.sim.send(`${h.url}/webhooks/shopify`, big))[0]).toBe(413);
    expect(await shopifyHook("products/update", { body: '{"id": 1, "title": ' })).toBe(400);
    const unknown = h.sim.woocommerce.webhooksFor("product.updated");
    expect(await h.sim.send(`${h.url}/webhooks/woocommerce/con_unknown`, unknown)).toEqual([404]);
    expect((await fetch(`${h.url}/webhooks/shopify`)).status).toBe(405);
    const missing = h.sim.shopify.webhook("products/update");
    delete missing.headers["x-shopify-shop-domain"];
    expect((await h.sim.send(`${h.url}/webhooks/shopify`, missing))[0]).toBe(400);
    expect(await countProducts()).toBe(0);
    expect((await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats.malformed).toBe(1);
  });

  it("answers unknown webhook paths and over-limit inflated bodies with problem documents naming the request", async () => {
    h = await startHarness({ shopify: { products: 1 } }, { autoSync: false });
    await h.connect("shopify");
    const unknown = await fetch(`${h.url}/webhooks/shopifyx`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await unknown.json()).requestId).toBe(unknown.headers.get("x-request-id"));
    // 6 MB of zeros inflates past the 5 MB limit: refused while reading, nothing stored.
    const hook = h.sim.shopify.webhook("products/update", { body: `{"pad":"${"0".repeat(6 * 1024 * 1024)}"}` });
    const bomb = await fetch(`${h.url}/webhooks/shopify`, {
      method: "POST",
      headers: { ...hook.headers, "content-encoding": "gzip" },
      body: new Uint8Array(gzipSync(hook.body)),
    });
    expect(bomb.status).toBe(413);
    expect(await bomb.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE", requestId: bomb.headers.get("x-request-id") });
    expect(await countProducts()).toBe(0);
  });

  it("answers a compressed delivery that carries no body as it answers an empty one, not with a 500", async () => {
    h = await startHarness({ shopify: { products: 1 } }, { autoSync: false });
    await h.connect("shopify");
    const hook = h.sim.shopify.webhook("products/update");
    // No Content-Length and not chunked: a request without a body, which body-parser leaves unread.
    const send = (encoding: string) =>
      sendRaw(
        h.url,
        rawRequest({
          path: "/webhooks/shopify",
          headers: { ...hook.headers, "content-encoding": encoding, "content-length": null },
        }),
      );
    const empty = await send("identity");
    const compressed = await send("gzip");
    expect(empty.status).toBe(400);
    expect([compressed.status, compressed.body.toString()]).toEqual([400, empty.body.toString()]);
    expect(await countProducts()).toBe(0);
  });

  it("verifies a gzip-encoded delivery on its uncompressed bytes (the one body the lean reader hands to body-parser)", async () => {
    h = await startHarness({ shopify: { products: 2 } }, { autoSync: false });
    await h.connect("shopify");
    const hook = h.sim.shopify.webhook("products/update", { index: 1 });
    const post = (raw: Buffer) =>
      fetch(`${h.url}/webhooks/shopify`, {
        method: "POST",
        headers: { ...hook.headers, "content-encoding": "gzip" },
        body: new Uint8Array(gzipSync(raw)),
      });
    expect((await post(hook.body)).status).toBe(200);
    await waitFor(async () => (await product(h.sim.shopify.externalId(1))) !== undefined);
    // The signature covers the uncompressed body: compressing other bytes under it is refused.
    const other = Buffer.concat([hook.body, Buffer.from(" ")]);
    expect((await post(other)).status).toBe(401);
  });

  it("acks a signed Shopify update whose product does not map to a valid draft, stores nothing and counts it as malformed", async () => {
    h = await startHarness({ shopify: { products: 2 } }, { autoSync: false });
    const conn = await h.connect("shopify");
    const payload = h.sim.shopify.restProduct(0) as { images: Array<{ src: string }> };
    payload.images[0]!.src = "not a url"; // well-formed JSON of the right shape; the ProductDraft check refuses it
    expect(await shopifyHook("products/update", { index: 0, body: JSON.stringify(payload) })).toBe(200);
    expect(await shopifyHook("products/update", { index: 1 })).toBe(200);
    await waitFor(async () => (await product(h.sim.shopify.externalId(1))) !== undefined);
    await waitFor(async () => (await h.api("GET", `/v1/connections/${conn.id}`)).body.webhookStats.malformed === 1);
    expect(await product(h.sim.shopify.externalId(0))).toBeUndefined();
    expect(await countProducts()).toBe(1);
  });

  it("forwards paid orders with the VARAi session and resolved product ids", async () => {
    h = await startHarness({ shopify: { products: 2 }, woocommerce: { products: 2 } });
    const shop = await h.connect("shopify");
    const woo = await h.connect("woocommerce");
    await finishedRun(h, shop.id, shop.lastSync.id);
    await finishedRun(h, woo.id, woo.lastSync.id);
    await shopifyHook("orders/paid", { index: 0 });
    await h.sim.send(
      `${h.url}/webhooks/woocommerce/${woo.id}`,
      h.sim.woocommerce.webhooksFor("order.created", { index: 1 }),
    );
    await waitFor(async () => h.orders.length === 2);
    const byPlatform = Object.fromEntries(h.orders.map((o) => [o.platform, o]));
    expect(byPlatform.shopify).toMatchObject({
      connectionId: shop.id,
      varaiSessionId: "sess_sim_1",
      orderId: "820982911946154508",
    });
    expect(byPlatform.shopify?.lineItems[0]).toMatchObject({
      productExternalId: SHOPIFY_FIRST_PRODUCT_ID,
      quantity: 1,
    });
    expect(byPlatform.shopify?.lineItems[0]?.productId).toMatch(/^prd_/);
    expect(byPlatform.woocommerce).toMatchObject({
      varaiSessionId: "sess_woo_1",
      lineItems: [{ productExternalId: "101" }],
    });
  });

  it("dead-letters, with its reason, an event whose connection this install does not know", async () => {
    h = await startHarness(
      { shopify: { products: 1 } },
      { autoSync: false, eventRetry: { maxAttempts: 2, backoffMs: 5 } },
    );
    await h.connect("shopify");
    // As another install sharing the queue would enqueue it: a tenant and connection unknown here.
    await h.deps.queue.enqueue(CATALOG_QUEUES.events, {
      tenantId: "ten_otherinstall",
      connectionId: "con_otherinstall",
      receivedAt: new Date().toISOString(),
      deliveryId: "dlv_other_1",
      event: { kind: "product.delete", topic: "products/delete", dedupeKey: "x", externalId: "1", occurredAt: null },
    });
    const [letter] = await waitFor(async () => {
      const letters = await h.deps.queue.deadLetters(CATALOG_QUEUES.events);
      return letters.length > 0 ? letters : null;
    });
    expect(letter?.job.payload).toMatchObject({ connectionId: "con_otherinstall" });
    expect(letter?.job.attempt).toBe(2);
    expect(letter?.error).toMatch(/No connection con_otherinstall in tenant ten_otherinstall.*REDIS_KEY_PREFIX/);
  });

  it("passes privacy requests on and marks the connection uninstalled idempotently", async () => {
    h = await startHarness({ shopify: { products: 1 } }, { autoSync: false });
    const conn = await h.connect("shopify");
    expect(await shopifyHook("customers/redact")).toBe(200);
    expect(await shopifyHook("app/uninstalled")).toBe(200);
    expect(await shopifyHook("app/uninstalled")).toBe(200);
    await waitFor(async () => (await h.api("GET", `/v1/connections/${conn.id}`)).body.status === "uninstalled");
    // After the uninstall, catalog and order events are acknowledged and change nothing.
    expect(await shopifyHook("products/update", { index: 0 })).toBe(200);
    expect(await shopifyHook("orders/paid", { index: 0 })).toBe(200);
    expect(await shopifyHook("shop/redact")).toBe(200);
    await waitFor(async () => h.privacy.length === 2);
    await waitFor(async () => (await h.deps.queue.depth(CATALOG_QUEUES.events)) === 0);
    expect(await countProducts()).toBe(0);
    expect(h.orders).toEqual([]);
    expect(h.privacy[0]).toMatchObject({
      kind: "shopper-redact",
      shopperEmail: "john@example.com",
      connectionId: conn.id,
    });
    expect(h.privacy[1]).toMatchObject({ kind: "shop-redact" });
  });

  it("erases the shop on a tenant redaction: connection with its sealed secrets, routes, products, runs, deliveries, frame assets", async () => {
    h = await startHarness({ shopify: { products: 3 } });
    const conn = await h.connect("shopify");
    await finishedRun(h, conn.id, conn.lastSync.id);
    expect(await shopifyHook("products/update", { index: 0 })).toBe(200);
    await waitFor(async () => (await h.deps.queue.depth(CATALOG_QUEUES.events)) === 0);
    await h.deps.blobs.put(`${TENANT}/frame-assets/ast_1.png`, Buffer.from("png"), { contentType: "image/png" });
    const participant = h.deps.privacy.participants().find((p) => p.name === "catalog.shop");
    expect(participant?.eraseLast).toBe(true);
    // A shopper's redaction leaves the shop alone.
    expect(await participant?.erase({ kind: "shopper", tenantId: TENANT, shopperId: "191167" })).toBe(0);
    const exported = await participant?.export({ kind: "tenant", tenantId: TENANT });
    expect(exported).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "connection", id: conn.id })]));
    expect(JSON.stringify(exported)).not.toContain(h.sim.shopify.accessToken);

    expect(await participant?.erase({ kind: "tenant", tenantId: TENANT })).toBeGreaterThan(3);
    const left: Record<string, number> = {};
    for (const def of Object.values(COLLECTION_DEFS)) {
      left[def.name] =
        def.scope === "tenant"
          ? await h.deps.store.tenantCollection(def).count(TENANT, {})
          : await h.deps.store.globalCollection(def).count({});
    }
    left.products = await h.deps.store.tenantCollection(COLLECTIONS.products).count(TENANT, {});
    expect(left).toEqual({
      catalog_connections: 0,
      catalog_webhook_routes: 0,
      catalog_sync_runs: 0,
      catalog_webhook_deliveries: 0,
      products: 0,
    });
    expect(await h.deps.blobs.list(`${TENANT}/frame-assets/`)).toEqual([]);
    // The store is unknown from now on: its webhooks find no connection.
    expect(await shopifyHook("products/update", { index: 1 })).toBe(404);
    expect(await participant?.erase({ kind: "tenant", tenantId: TENANT })).toBe(0);
  });
});

describe("products API", () => {
  it("keeps merchant frame overrides across later syncs", async () => {
    h = await startHarness({ shopify: { products: 2 } });
    const conn = await h.connect("shopify");
    await finishedRun(h, conn.id, conn.lastSync.id);
    const p = await product(SHOPIFY_FIRST_PRODUCT_ID);
    const patched = await h.api("PATCH", `/v1/products/${p.id}/frame`, {
      dimensions: { frameWidthMm: 150 },
      shape: "round",
    });
    expect(patched.status).toBe(200);
    expect(patched.body.frame).toMatchObject({ shape: "round", dimensions: { frameWidthMm: 150 } });
    expect((await h.api("PATCH", `/v1/products/${p.id}/frame`, { bogus: 1 })).status).toBe(400);
    h.sim.shopify.store.updateProduct(0, { title: "Synced again" });
    await shopifyHook("products/update", { index: 0 });
    await waitFor(async () => (await h.api("GET", `/v1/products/${p.id}`)).body.title === "Synced again");
    const after = (await h.api("GET", `/v1/products/${p.id}`)).body;
    expect(after.frame).toMatchObject({ shape: "round", dimensions: { frameWidthMm: 150 } });
    expect(after.sync).toBeUndefined();
    expect((await h.api("GET", "/v1/products/prd_missing")).status).toBe(404);
  });

  it("re-queues a product's try-on asset (202, pending), and re-prepares it when the dimensions change", async () => {
    h = await startHarness({ shopify: { products: 2 } });
    const conn = await h.connect("shopify");
    await finishedRun(h, conn.id, conn.lastSync.id);
    const p = await product(SHOPIFY_FIRST_PRODUCT_ID);
    // Nothing consumes ml's queue here: each request must leave one more job in it.
    const depth = () => h.deps.queue.depth(QUEUES.frameAssets);
    const before = await depth();
    const rerun = await h.api("POST", `/v1/products/${p.id}/try-on-asset`);
    expect(rerun.status).toBe(202);
    expect(rerun.body.tryOn.assetStatus).toBe("pending");
    expect(await depth()).toBe(before + 1);
    expect((await h.api("GET", `/v1/products/${p.id}`)).body.tryOn.assetStatus).toBe("pending");
    expect((await h.api("PATCH", `/v1/products/${p.id}/frame`, { shape: "round" })).status).toBe(200);
    expect(await depth()).toBe(before + 1);
    expect((await h.api("PATCH", `/v1/products/${p.id}/frame`, { dimensions: { frameWidthMm: 141 } })).status).toBe(
      200,
    );
    expect(await depth()).toBe(before + 2);
    expect((await h.api("POST", "/v1/products/prd_missing/try-on-asset")).status).toBe(404);
  });
});
