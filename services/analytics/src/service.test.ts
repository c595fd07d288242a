import { COLLECTIONS, createRetentionPolicy, QUEUES, type Queue, type RuntimeDeps } from "@varai/runtime";
import type { AnalyticsEventRecord } from "@varai/schema";
import { createTestApp, createTestRuntime } from "@varai/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { ANALYTICS_COLLECTIONS } from "./collections.ts";
import { type AnalyticsService, createAnalyticsService } from "./service.ts";

const TENANT = "ten_analytics1";
const OTHER = "ten_analytics2";
// Relative to the real date: the store expires raw events by the real clock (retention TTL).
const TODAY = new Date().toISOString().slice(0, 10);
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const NOW = new Date(`${TODAY}T12:00:00.000Z`);

let seq = 0;
const ev = (type: string, sessionId: string, extra: Record<string, unknown> = {}) => ({
  id: `evt_${String(++seq).padStart(8, "0")}`,
  type,
  sessionId,
  occurredAt: `${TODAY}T11:00:00.000Z`,
  ...extra,
});

async function drain(queue: Queue) {
  for (let i = 0; i < 400; i++) {
    if ((await queue.depth(QUEUES.analyticsEvents)) === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("queue did not drain");
}

const running: AnalyticsService[] = [];
const runtimes: ReturnType<typeof createTestRuntime>[] = [];
/** A test runtime closed after the test, once its services have stopped. */
const runtime = (overrides: Parameters<typeof createTestRuntime>[0] = {}) => {
  const deps = createTestRuntime(overrides);
  runtimes.push(deps);
  return deps;
};
async function setup(options: Parameters<typeof createAnalyticsService>[1] = {}, start = true) {
  const deps = runtime({ clock: () => NOW });
  const service = createAnalyticsService(deps, options);
  if (start) await service.start?.();
  running.push(service);
  const app = createTestApp({ modules: [service] });
  const send = (events: unknown[], headers: Record<string, string> = {}, consent?: boolean) =>
    request(app)
      .post("/v1/events")
      .set("x-test-storefront", TENANT)
      .set(headers)
      .send({ events, ...(consent === undefined ? {} : { consent }) });
  const summary = async (query = `from=${TODAY}&to=${TODAY}`, tenant = TENANT) => {
    await drain(deps.queue);
    const res = await request(app).get(`/v1/analytics/summary?${query}`).set("x-test-user", `${tenant}:viewer`);
    expect(res.status).toBe(200);
    return res.body;
  };
  return { deps, service, app, send, summary };
}

afterEach(async () => {
  for (const service of running.splice(0)) await service.stop?.();
  for (const deps of runtimes.splice(0)) await deps.close();
});

describe("POST /v1/events", () => {
  it("accepts the valid events of a batch and lists each reject with its index and reason", async () => {
    const { send, summary } = await setup();
    const res = await send([
      ev("widget_shown", "ses_a"),
      ev("teleport", "ses_a"),
      ev("try_on_started", "ses_a", { occurredAt: `${TODAY}T12:30:00.000Z` }),
      ev("try_on_started", "ses_a", { occurredAt: `${TODAY}T12:04:00.000Z` }),
      ev("product_viewed", "ses_a", {
        properties: {
          blob: "x".repeat(500),
          b: "y".repeat(500),
          c: "z".repeat(500),
          d: "w".repeat(500),
          e: "v".repeat(500),
        },
      }),
      ev("product_viewed", "ses a"),
      { ...ev("product_viewed", "ses_a"), id: "short" },
      "not an event",
      { ...ev("add_to_cart", "ses_a"), id: "evt_00000001" },
      ev("add_to_cart", "ses_a", { occurredAt: "2024-01-01T00:00:00.000Z" }),
    ]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason])).toEqual(
      [
        [1, "unknown_type"],
        [2, "future_timestamp"],
        [4, "properties_too_large"],
        [5, "invalid_id"],
        [6, "invalid_id"],
        [7, "invalid_event"],
        [9, "too_old"],
        [8, "duplicate_in_batch"],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    expect(res.body.rejected[0]).toMatchObject({ id: expect.stringMatching(/^evt_/), message: expect.any(String) });
    const body = await summary();
    expect(body.totals.widgetShown).toBe(1);
    expect(body.totals.tryOnStarted).toBe(1); // the one within the 5-minute skew window
    expect(body.totals.addToCart).toBe(0);
  });

  it("answers 413 for more than 500 events and enqueues nothing", async () => {
    const { send, deps } = await setup({}, false);
    const res = await send(Array.from({ length: 501 }, (_, i) => ev("widget_shown", `ses_${i}`)));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await deps.queue.depth(QUEUES.analyticsEvents)).toBe(0);
  });

  it("answers 400 for a body without an events array and 401 without a storefront key", async () => {
    const { app, send } = await setup({}, false);
    expect((await send(undefined as unknown as unknown[])).status).toBe(400);
    const anonymous = await request(app)
      .post("/v1/events")
      .send({ events: [ev("widget_shown", "s1")] });
    expect(anonymous.status).toBe(401);
  });

  it("answers 503 OVERLOADED with Retry-After once the queue is deeper than the limit", async () => {
    const { send } = await setup({ maxQueueDepth: 1 }, false);
    expect((await send([ev("widget_shown", "ses_a")])).status).toBe(202);
    const res = await send([ev("widget_shown", "ses_b")]);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("OVERLOADED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("counts a batch sent twice once, and an event repeated in a later batch once", async () => {
    const { send, summary } = await setup();
    const batch = [
      ev("try_on_started", "ses_r", { productId: "prd_1" }),
      ev("add_to_cart", "ses_r", { productId: "prd_1" }),
    ];
    expect((await send(batch)).body.accepted).toBe(2);
    expect((await send(batch)).body.accepted).toBe(2);
    expect((await send([batch[0], ev("try_on_started", "ses_r", { productId: "prd_1" })])).body.accepted).toBe(2);
    const body = await summary();
    expect(body.totals.tryOnStarted).toBe(2);
    expect(body.totals.addToCart).toBe(1);
    expect(body.topFrames[0]).toMatchObject({ productId: "prd_1", tryOns: 2, addToCart: 1, sessions: 1 });
  });

  it("stores raw events enriched with tenant, server time, device class and region, with a retention expiry", async () => {
    const { send, deps } = await setup();
    const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
    await send(
      [ev("widget_shown", "ses_e", { shopperId: "shp_1" })],
      { "user-agent": iphone, "cf-ipcountry": "de" },
      true,
    );
    await drain(deps.queue);
    const raw = deps.store.tenantCollection<AnalyticsEventRecord>(COLLECTIONS.analyticsEvents);
    const [doc] = await raw.find(TENANT, { sessionId: "ses_e" });
    expect(doc).toMatchObject({
      tenantId: TENANT,
      receivedAt: NOW.toISOString(),
      deviceClass: "mobile",
      region: "DE",
      shopperId: "shp_1",
      type: "widget_shown",
    });
    // The default event retention (no tenant setting): 90 days.
    expect(doc?.expiresAt).toEqual(new Date(Date.parse(`${TODAY}T11:00:00.000Z`) + 90 * 86_400_000));
  });
});

describe("daily aggregates and GET /v1/analytics/summary", () => {
  it("keeps each day's funnel between summaries, and reads a day again once more events of it are counted", async () => {
    const { send, summary, deps } = await setup();
    await send([ev("widget_shown", "f1"), ev("try_on_started", "f1", { productId: "prd_a" })]);
    await send([ev("widget_shown", "f2", { occurredAt: `${YESTERDAY}T10:00:00.000Z` })]);
    const range = `from=${YESTERDAY}&to=${TODAY}`;
    const first = await summary(range);
    expect(first.funnel.map((step: { sessions: number }) => step.sessions)).toEqual([2, 1, 0, 0, 0]);
    // Both days' groups are kept, each with the counts it was read under.
    const kept = deps.store.tenantCollection<{ id: string; tenantId: string; fingerprint: string }>(
      ANALYTICS_COLLECTIONS.funnelDays,
    );
    expect((await kept.find(TENANT, {})).map((doc) => doc.id).sort()).toEqual([YESTERDAY, TODAY]);
    const yesterdayBefore = (await kept.findById(TENANT, YESTERDAY))?.fingerprint;

    // Today gets a new session that tries on and buys: today's groups are read again, yesterday's are not.
    await send([
      ev("widget_shown", "f3"),
      ev("try_on_started", "f3", { productId: "prd_b" }),
      ev("add_to_cart", "f3", { productId: "prd_b" }),
      ev("try_on_rendered", "f1", { productId: "prd_a" }),
    ]);
    const second = await summary(range);
    expect(second.funnel.map((step: { sessions: number }) => step.sessions)).toEqual([3, 2, 1, 1, 0]);
    expect(second.conversion.triedOn.sessions).toBe(2);
    expect(second.topFrames.map((frame: { productId: string }) => frame.productId)).toEqual(["prd_a", "prd_b"]);
    expect((await kept.findById(TENANT, YESTERDAY))?.fingerprint).toBe(yesterdayBefore);
    // Kept groups, not a new read, answer an unchanged day: a stale one shows through.
    await kept.updateOne(TENANT, { id: YESTERDAY }, { $set: { "groups.0.sessions": 7, "groups.0.widgetShown": 7 } });
    expect((await summary(range)).funnel[0].sessions).toBe(9);
  });

  it("reports totals, series, funnel, top frames and try-on conversion for a known scenario", async () => {
    const { send, summary, service } = await setup();
    // s1: tries on prd_a twice (renders once), adds to cart, buys (order attributed to s1).
    // s2: tries on prd_b, no purchase. s3 and s4: widget only; s4 buys without trying on.
    await send([
      ev("widget_shown", "s1"),
      ev("try_on_started", "s1", { productId: "prd_a" }),
      ev("try_on_started", "s1", { productId: "prd_a" }),
      ev("try_on_rendered", "s1", { productId: "prd_a" }),
      ev("add_to_cart", "s1", { productId: "prd_a" }),
      ev("widget_shown", "s2"),
      ev("try_on_started", "s2", { productId: "prd_b" }),
      ev("widget_shown", "s3"),
      ev("product_viewed", "s3", { productId: "prd_a" }),
      ev("widget_shown", "s4"),
      ev("widget_shown", "s1", { occurredAt: `${YESTERDAY}T10:00:00.000Z` }),
    ]);
    await send([ev("purchase", "s4", { productId: "prd_b", properties: { quantity: 1, price: 80, currency: "EUR" } })]);
    await service.ingestPurchase({
      tenantId: TENANT,
      platform: "shopify",
      connectionId: "con_1",
      orderId: "1001",
      occurredAt: `${TODAY}T11:30:00.000Z`,
      currency: "EUR",
      total: 259.8,
      lineItems: [
        { productExternalId: "gid-1", productId: "prd_a", quantity: 2, price: 119.9 },
        { productExternalId: "gid-9", quantity: 1, price: 20 },
      ],
      varaiSessionId: "s1",
    });
    const body = await summary(`from=${YESTERDAY}&to=${TODAY}`);
    expect(body.series.map((d: { date: string }) => d.date)).toEqual([YESTERDAY, TODAY]);
    expect(body.series[0]).toMatchObject({ widgetShown: 1, sessions: 1, tryOnStarted: 0 });
    expect(body.series[1]).toMatchObject({
      widgetShown: 4,
      tryOnStarted: 3,
      tryOnRendered: 1,
      addToCart: 1,
      productViewed: 1,
      purchases: 3,
      units: 4,
      sessions: 4,
      revenue: { EUR: 339.8 },
    });
    expect(body.totals).toMatchObject({ widgetShown: 5, purchases: 3, revenue: { EUR: 339.8 } });
    expect(body.funnel).toEqual([
      { step: "widget_shown", sessions: 5, rateFromPrevious: null },
      { step: "try_on_started", sessions: 2, rateFromPrevious: 0.4 },
      { step: "try_on_rendered", sessions: 1, rateFromPrevious: 0.5 },
      { step: "add_to_cart", sessions: 1, rateFromPrevious: 1 },
      { step: "purchase", sessions: 2, rateFromPrevious: 2 },
    ]);
    expect(body.topFrames).toEqual([
      { productId: "prd_a", title: null, tryOns: 2, rendered: 1, views: 1, addToCart: 1, purchases: 1, sessions: 2 },
      { productId: "prd_b", title: null, tryOns: 1, rendered: 0, views: 0, addToCart: 0, purchases: 1, sessions: 2 },
    ]);
    // Session-days: tried on = s1 (bought), s2; not tried = s3, s4 (bought) on the 10th, s1 on the 9th.
    expect(body.conversion).toEqual({
      triedOn: { sessions: 2, purchased: 1, rate: 0.5 },
      notTriedOn: { sessions: 3, purchased: 1, rate: 0.3333 },
      unattributedPurchaseSessions: 0,
      lift: 1.5,
    });
  });

  it("counts a platform order once however often its webhook is delivered, unattributed without a session", async () => {
    const { summary, service } = await setup();
    const order = {
      tenantId: TENANT,
      platform: "woocommerce" as const,
      connectionId: "con_w",
      orderId: "77",
      occurredAt: `${TODAY}T09:00:00.000Z`,
      currency: "USD",
      total: 50,
      lineItems: [{ productExternalId: "12", productId: "prd_x", quantity: 1, price: 50 }],
      varaiSessionId: null,
    };
    await service.ingestPurchase(order);
    await service.ingestPurchase(order);
    const body = await summary();
    expect(body.totals).toMatchObject({ purchases: 1, revenue: { USD: 50 } });
    expect(body.conversion.unattributedPurchaseSessions).toBe(1);
    expect(body.conversion.triedOn.sessions + body.conversion.notTriedOn.sessions).toBe(0);
  });

  it("rejects bad dates, a reversed range and a range over the limit, and needs a signed-in user", async () => {
    const { app } = await setup({ maxRangeDays: 31 }, false);
    const get = (q: string) => request(app).get(`/v1/analytics/summary?${q}`).set("x-test-user", `${TENANT}:viewer`);
    expect((await get("from=2025-02-30&to=2025-03-01")).status).toBe(400);
    expect((await get("from=2025-03-02&to=2025-03-01")).status).toBe(400);
    expect((await get("from=2025-01-01&to=2025-03-01")).status).toBe(400);
    expect((await get("granularity=week")).status).toBe(400);
    expect((await get("")).status).toBe(200);
    const storefront = await request(app).get("/v1/analytics/summary").set("x-test-storefront", TENANT);
    expect(storefront.status).toBe(403);
    expect((await request(app).get("/v1/analytics/summary")).status).toBe(401);
  });

  it("keeps tenants apart", async () => {
    const { send, summary } = await setup();
    await send([ev("widget_shown", "s1")]);
    expect((await summary(undefined, OTHER)).totals.widgetShown).toBe(0);
    expect((await summary()).totals.widgetShown).toBe(1);
  });

  it("counts an event on the UTC day of its time, whatever offset the client sent", async () => {
    const { send, summary } = await setup();
    await send([
      ev("widget_shown", "ses_tz", { occurredAt: `${TODAY}T01:00:00.000+02:00` }),
      ev("widget_shown", "ses_tz", { occurredAt: `${TODAY}T01:00:00.000Z` }),
    ]);
    const body = await summary(`from=${YESTERDAY}&to=${TODAY}`);
    expect(body.series.map((d: { date: string; widgetShown: number }) => [d.date, d.widgetShown])).toEqual([
      [YESTERDAY, 1],
      [TODAY, 1],
    ]);
  });

  it("counts the same event, session and product ids once in each of two storefronts", async () => {
    const { send, summary } = await setup();
    const batch = [
      ev("try_on_started", "ses_same", { productId: "prd_same" }),
      ev("add_to_cart", "ses_same", { productId: "prd_same" }),
    ];
    expect((await send(batch)).body.accepted).toBe(2);
    expect((await send(batch, { "x-test-storefront": OTHER })).body.accepted).toBe(2);
    expect((await send(batch, { "x-test-storefront": OTHER })).body.accepted).toBe(2);
    for (const tenant of [TENANT, OTHER]) {
      const body = await summary(undefined, tenant);
      expect(body.totals).toMatchObject({ tryOnStarted: 1, addToCart: 1, sessions: 1 });
      expect(body.topFrames).toEqual([
        expect.objectContaining({ productId: "prd_same", tryOns: 1, addToCart: 1, sessions: 1 }),
      ]);
    }
  });
});

describe("GET /v1/analytics/export", () => {
  it("streams one NDJSON line per product and day", async () => {
    const { send, app, deps } = await setup();
    await send([
      ev("try_on_started", "s1", { productId: "prd_b" }),
      ev("try_on_started", "s1", { productId: "prd_a", occurredAt: `${YESTERDAY}T08:00:00.000Z` }),
      ev("add_to_cart", "s2", { productId: "prd_a" }),
      ev("widget_shown", "s2"),
    ]);
    await drain(deps.queue);
    const res = await request(app)
      .get(`/v1/analytics/export?from=${YESTERDAY}&to=${TODAY}`)
      .set("x-test-user", `${TENANT}:viewer`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/application\/x-ndjson/);
    const lines = res.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.date, l.productId, l.tryOnStarted, l.addToCart])).toEqual([
      [YESTERDAY, "prd_a", 1, 0],
      [TODAY, "prd_a", 0, 1],
      [TODAY, "prd_b", 1, 0],
    ]);
    expect(lines[0]).toMatchObject({ tenantId: TENANT, sessions: 1 });
  });
});

describe("consent (lawful basis of events)", () => {
  it("takes an event with a shopperId only when the batch says the shopper consented", async () => {
    const { send, deps } = await setup();
    const without = await send([ev("widget_shown", "ses_c"), ev("product_viewed", "ses_c", { shopperId: "shp_c" })]);
    expect(without.status).toBe(202);
    expect(without.body.accepted).toBe(1);
    expect(without.body.rejected).toEqual([expect.objectContaining({ index: 1, reason: "consent_required" })]);
    await drain(deps.queue);
    const raw = deps.store.tenantCollection<AnalyticsEventRecord>(COLLECTIONS.analyticsEvents);
    expect(await raw.count(TENANT, { shopperId: "shp_c" })).toBe(0);

    const declined = await send([ev("product_viewed", "ses_c", { shopperId: "shp_c" })], {}, false);
    expect(declined.body.rejected).toEqual([expect.objectContaining({ reason: "consent_required" })]);
    const given = await send([ev("product_viewed", "ses_c", { shopperId: "shp_c" })], {}, true);
    expect(given.body).toMatchObject({ accepted: 1, rejected: [] });
    await drain(deps.queue);
    expect(await raw.count(TENANT, { shopperId: "shp_c" })).toBe(1);
  });

  it("keeps events for the tenant's event retention", async () => {
    const { send, deps } = await setup();
    await createRetentionPolicy(deps.store).set(TENANT, { eventDays: 30 }, NOW);
    await send([ev("widget_shown", "ses_r")]);
    await drain(deps.queue);
    const [doc] = await deps.store
      .tenantCollection<AnalyticsEventRecord>(COLLECTIONS.analyticsEvents)
      .find(TENANT, { sessionId: "ses_r" });
    expect(doc?.expiresAt).toEqual(new Date(Date.parse(`${TODAY}T11:00:00.000Z`) + 30 * 86_400_000));
  });
});

describe("privacy participant", () => {
  async function seeded() {
    const ctx = await setup();
    await ctx.send(
      [
        ev("widget_shown", "ses_p"),
        ev("try_on_started", "ses_p", { shopperId: "shp_9", productId: "prd_a" }),
        ev("widget_shown", "ses_other", { shopperId: "shp_other" }),
      ],
      {},
      true,
    );
    await drain(ctx.deps.queue);
    const participant = ctx.deps.privacy.participants().find((p) => p.name === "analytics.events");
    if (!participant) throw new Error("not registered");
    return { ...ctx, participant };
  }
  const rawOf = (deps: RuntimeDeps) => deps.store.tenantCollection<AnalyticsEventRecord>(COLLECTIONS.analyticsEvents);

  it("exports exactly what it erases: the shopper's events, the anonymous events and records of their sessions", async () => {
    const { participant, deps, summary } = await seeded();
    const exported = await participant.export({ kind: "shopper", tenantId: TENANT, shopperId: "shp_9" });
    expect(exported.map((item) => [item.kind, item.type ?? null, item.sessionId]).sort()).toEqual([
      ["analytics_event", "try_on_started", "ses_p"],
      ["analytics_event", "widget_shown", "ses_p"],
      ["analytics_session_day", null, "ses_p"],
    ]);
    expect(exported[0]).not.toHaveProperty("batchId");
    expect(JSON.stringify(exported)).not.toContain("shp_other");
    expect(await participant.erase({ kind: "shopper", tenantId: TENANT, shopperId: "shp_9" })).toBe(exported.length);
    expect(await rawOf(deps).count(TENANT, { sessionId: "ses_p" })).toBe(0);
    expect(await rawOf(deps).count(TENANT, {})).toBe(1);
    // Aggregates are anonymous counts and stay.
    expect((await summary()).totals.widgetShown).toBe(2);
    expect(await participant.erase({ kind: "shopper", tenantId: TENANT, shopperId: "shp_9" })).toBe(0);
  });

  it("erases a whole tenant's analytics", async () => {
    const { participant, deps, summary } = await seeded();
    expect((await participant.export({ kind: "tenant", tenantId: TENANT })).length).toBeGreaterThan(3);
    expect(await participant.erase({ kind: "tenant", tenantId: TENANT })).toBeGreaterThan(0);
    expect(await rawOf(deps).count(TENANT, {})).toBe(0);
    expect((await summary()).totals.widgetShown).toBe(0);
  });
});
