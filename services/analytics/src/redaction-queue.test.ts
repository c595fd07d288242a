import {
  COLLECTIONS,
  ephemeralShopperIdentity,
  noopLogger,
  type PrivacyParticipant,
  QUEUES,
  type Queue,
} from "@varai/runtime";
import { createTestApp, createTestRuntime } from "@varai/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { ANALYTICS_COLLECTIONS } from "./collections.ts";
import { createDeadLetterEvents } from "./dead-letter-events.ts";
import { createAnalyticsPrivacy } from "./privacy.ts";
import { createBatchProcessor } from "./processor.ts";
import type { QueuedBatch } from "./schemas.ts";
import { type AnalyticsService, createAnalyticsService } from "./service.ts";
import { createSuppressions } from "./suppression.ts";

/**
 * A redaction reaches the events that are not stored yet: batches in the queue's dead letters,
 * batches accepted but not processed when it runs, and a batch being written while it runs.
 */

const TENANT = "ten_redactq";
const SHOPPER = "shp_queued_7f3";
const SESSION = "ses_queued_7f3";
const TODAY = new Date().toISOString().slice(0, 10);

let seq = 0;
const ev = (type: string, sessionId: string, extra: Record<string, unknown> = {}) => ({
  id: `evt_rq_${String(++seq).padStart(8, "0")}`,
  type,
  sessionId,
  occurredAt: `${TODAY}T00:00:01.000Z`,
  ...extra,
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await wait(10);
  }
  throw new Error("condition not met");
}

const running: AnalyticsService[] = [];
const runtimes: ReturnType<typeof createTestRuntime>[] = [];
/** A test runtime closed after the test, once its services have stopped. */
const runtime = (overrides: Parameters<typeof createTestRuntime>[0] = {}) => {
  const deps = createTestRuntime(overrides);
  runtimes.push(deps);
  return deps;
};
afterEach(async () => {
  for (const service of running.splice(0)) await service.stop?.();
  for (const deps of runtimes.splice(0)) await deps.close();
});

/** The service with its processor stopped, and a clock the test moves. */
function setup() {
  let now = Date.now();
  const deps = runtime({ clock: () => new Date(now) });
  const service = createAnalyticsService(deps);
  running.push(service);
  const app = createTestApp({ modules: [service] });
  const participant = deps.privacy.participants().find((p) => p.name === "analytics.events") as PrivacyParticipant;
  const raw = deps.store.tenantCollection<{ id: string; tenantId: string }>(COLLECTIONS.analyticsEvents);
  const sessionDays = deps.store.tenantCollection<{ id: string; tenantId: string }>(ANALYTICS_COLLECTIONS.sessionDays);
  /** Everything the store holds for the tenant's events, as text (what a byte scan would see). */
  const stored = async () =>
    JSON.stringify([
      await raw.find(TENANT, {}),
      await sessionDays.find(TENANT, {}),
      await deps.store.tenantCollection(ANALYTICS_COLLECTIONS.suppressions).find(TENANT, {}),
    ]);
  const send = async (events: unknown[]) => {
    const res = await request(app).post("/v1/events").set("x-test-storefront", TENANT).send({ events, consent: true });
    expect(res.status).toBe(202);
    now += 1000;
  };
  const drain = (queue: Queue) =>
    until(async () => (await queue.depth(QUEUES.analyticsEvents)) === 0).then(() => wait(20));
  return {
    deps,
    service,
    participant,
    raw,
    stored,
    send,
    drain: () => drain(deps.queue),
    tick: (ms: number) => {
      now += ms;
    },
    subject: { kind: "shopper" as const, tenantId: TENANT, shopperId: SHOPPER },
  };
}

/** Fails every queued batch once (maxAttempts 1): all of them end in the dead letters. */
async function deadLetterQueued(queue: Queue, count: number) {
  const failing = queue.consume(
    QUEUES.analyticsEvents,
    async () => {
      throw new Error("store unavailable");
    },
    { maxAttempts: 1 },
  );
  await until(async () => (await queue.deadLetters(QUEUES.analyticsEvents)).length === count);
  await failing.stop();
}

describe("redaction of events in the queue's dead letters", () => {
  it("exports them as not stored, then takes them out of every letter and deletes letters left empty", async () => {
    const ctx = setup();
    await ctx.send([ev("widget_shown", SESSION)]); // anonymous, before the shopper was identified
    await ctx.send([ev("try_on_started", SESSION, { shopperId: SHOPPER }), ev("widget_shown", "ses_control_1")]);
    await ctx.send([ev("add_to_cart", "ses_control_2", { shopperId: "shp_control" })]);
    await deadLetterQueued(ctx.deps.queue, 3);

    const exported = await ctx.participant.export(ctx.subject);
    expect(exported.map((item) => [item.kind, item.type, item.sessionId]).sort()).toEqual([
      ["analytics_event_not_stored", "try_on_started", SESSION],
      ["analytics_event_not_stored", "widget_shown", SESSION],
    ]);
    expect(JSON.stringify(exported)).not.toContain("control");

    expect(await ctx.participant.erase(ctx.subject)).toBe(2);
    const letters = await ctx.deps.queue.deadLetters<QueuedBatch>(QUEUES.analyticsEvents);
    expect(letters.map((l) => l.job.payload.events.map((e) => e.sessionId)).sort()).toEqual([
      ["ses_control_1"],
      ["ses_control_2"],
    ]);
    expect(JSON.stringify(letters)).not.toContain(SHOPPER);
    expect(JSON.stringify(letters)).not.toContain(SESSION);
    expect(await ctx.participant.export(ctx.subject)).toEqual([]);

    // Requeued by an operator, what is left is stored; the shopper's events never are.
    expect(await ctx.deps.queue.requeueDeadLetters(QUEUES.analyticsEvents)).toBe(2);
    await ctx.service.processor.start();
    await ctx.drain();
    expect(await ctx.raw.count(TENANT, {})).toBe(2);
    const after = await ctx.stored();
    expect(after).not.toContain(SHOPPER);
    expect(after).not.toContain(SESSION);
  });

  it("screens a batch whose last attempt spanned the redaction once it reaches the dead letters", async () => {
    let participant: PrivacyParticipant | null = null;
    const deps = runtime();
    const service = createAnalyticsService(deps, {
      processor: {
        maxAttempts: 1,
        // The redaction runs while the batch's last attempt is under way; then the attempt fails.
        fault: async () => {
          await participant?.erase({ kind: "shopper", tenantId: TENANT, shopperId: SHOPPER });
          throw new Error("store unavailable");
        },
      },
    });
    running.push(service);
    participant = deps.privacy.participants().find((p) => p.name === "analytics.events") as PrivacyParticipant;
    const res = await request(createTestApp({ modules: [service] }))
      .post("/v1/events")
      .set("x-test-storefront", TENANT)
      .send({
        events: [ev("try_on_started", SESSION, { shopperId: SHOPPER }), ev("widget_shown", "ses_control_1")],
        consent: true,
      });
    expect(res.body.accepted).toBe(2);
    await service.start?.();
    await until(async () => {
      const letters = await deps.queue.deadLetters<QueuedBatch>(QUEUES.analyticsEvents);
      return letters.length === 1 && letters[0]!.job.payload.events.length === 1;
    });
    const [letter] = await deps.queue.deadLetters<QueuedBatch>(QUEUES.analyticsEvents);
    expect(letter!.job.payload.events.map((e) => e.sessionId)).toEqual(["ses_control_1"]);
    expect(JSON.stringify(letter)).not.toContain(SHOPPER);
  });

  it("a tenant erasure drops the tenant's dead letters", async () => {
    const ctx = setup();
    await ctx.send([ev("try_on_started", SESSION, { shopperId: SHOPPER })]);
    await deadLetterQueued(ctx.deps.queue, 1);
    await ctx.participant.erase({ kind: "tenant", tenantId: TENANT });
    expect(await ctx.deps.queue.deadLetters(QUEUES.analyticsEvents)).toEqual([]);
  });
});

describe("redaction of events accepted but not yet processed", () => {
  it("drops them when the batch is processed after the redaction, and keeps events sent after it", async () => {
    const ctx = setup();
    await ctx.send([ev("widget_shown", SESSION)]);
    await ctx.send([ev("try_on_started", SESSION, { shopperId: SHOPPER }), ev("widget_shown", "ses_control_1")]);
    await ctx.participant.erase(ctx.subject);
    ctx.tick(1000);
    // The shopper comes back and consents again: that is new data, taken as usual.
    await ctx.send([ev("product_viewed", "ses_after_9", { shopperId: SHOPPER })]);

    await ctx.service.processor.start();
    await ctx.drain();
    const kept = await ctx.raw.find(TENANT, {});
    expect(kept.map((e) => (e as unknown as { sessionId: string }).sessionId).sort()).toEqual([
      "ses_after_9",
      "ses_control_1",
    ]);
    expect(await ctx.stored()).not.toContain(SESSION);
    // Suppressions name shoppers and sessions only by keyed digests.
    const suppressions = await ctx.deps.store.tenantCollection(ANALYTICS_COLLECTIONS.suppressions).find(TENANT, {});
    expect(suppressions.length).toBeGreaterThan(0);
    expect(suppressions.every((doc) => /^s[he]_[0-9a-f]{40}$/.test(doc.id))).toBe(true);
    expect(JSON.stringify(suppressions)).not.toContain(SHOPPER);
    expect(JSON.stringify(suppressions)).not.toContain(SESSION);
  });

  it("drops anonymous events of a redacted session queued before the redaction", async () => {
    const ctx = setup();
    await ctx.service.processor.start();
    await ctx.send([ev("try_on_started", SESSION, { shopperId: SHOPPER })]);
    await ctx.drain();
    await ctx.service.processor.stop();
    await ctx.send([ev("widget_shown", SESSION), ev("widget_shown", "ses_control_1")]);
    await ctx.participant.erase(ctx.subject);
    await ctx.service.processor.start();
    await ctx.drain();
    expect(await ctx.raw.count(TENANT, {})).toBe(1);
    expect(await ctx.stored()).not.toContain(SESSION);
  });

  it("deletes what a batch wrote while a redaction ran (the redaction could not see it yet)", async () => {
    const deps = runtime();
    const shoppers = ephemeralShopperIdentity(deps.store);
    const suppressions = createSuppressions(deps.store, shoppers);
    const participant = createAnalyticsPrivacy(deps.store, {
      maxTenantExportEvents: 1000,
      suppressions,
      deadLetters: createDeadLetterEvents(deps.queue),
      clock: () => new Date(),
    });
    let screens = 0;
    const processor = createBatchProcessor(deps.store, noopLogger, {
      retentionDays: 90,
      suppressions: {
        ...suppressions,
        // The whole redaction runs right after the batch's first look at the suppressions and
        // before its writes: it finds nothing stored to delete, and the batch found no suppression.
        async screen(tenantId, receivedAt, events) {
          const screened = await suppressions.screen(tenantId, receivedAt, events);
          if (++screens === 1) await participant.erase({ kind: "shopper", tenantId, shopperId: SHOPPER });
          return screened;
        },
      },
    });
    const result = await processor.process(
      {
        batchId: "evb_midway",
        tenantId: TENANT,
        receivedAt: new Date(Date.now() - 1000).toISOString(),
        deviceClass: "desktop",
        region: null,
        events: [
          ev("try_on_started", SESSION, { shopperId: SHOPPER, properties: {} }),
          ev("widget_shown", SESSION, { properties: {} }),
          ev("widget_shown", "ses_control_1", { properties: {} }),
        ] as QueuedBatch["events"],
      },
      1,
    );
    expect(result.counted).toBe(3);
    expect(screens).toBe(2);
    const raw = deps.store.tenantCollection<{ id: string; tenantId: string }>(COLLECTIONS.analyticsEvents);
    const sessionDays = deps.store.tenantCollection<{ id: string; tenantId: string }>(
      ANALYTICS_COLLECTIONS.sessionDays,
    );
    const left = JSON.stringify([await raw.find(TENANT, {}), await sessionDays.find(TENANT, {})]);
    expect(left).toContain("ses_control_1");
    expect(left).not.toContain(SHOPPER);
    expect(left).not.toContain(SESSION);
  });
});
