import {
  COLLECTIONS,
  createRetentionPolicy,
  type DocumentStore,
  daysToMs,
  type Logger,
  type Update,
} from "@varai/runtime";
import { type AnalyticsEventInput, type EventType, isAppError } from "@varai/schema";
import {
  ALL_PRODUCTS,
  ANALYTICS_COLLECTIONS,
  type AppliedBatchDoc,
  type DailyDoc,
  dailyId,
  type Metric,
  productKey,
  type SessionDayDoc,
  sessionDayId,
} from "./collections.ts";
import type { QueuedBatch, RawEventDoc } from "./schemas.ts";
import type { Screened, Suppressions } from "./suppression.ts";

const DAY_MS = 86_400_000;

const METRIC_OF: Record<EventType, Metric> = {
  widget_shown: "widgetShown",
  try_on_started: "tryOnStarted",
  try_on_rendered: "tryOnRendered",
  face_analyzed: "faceAnalyzed",
  recommendation_shown: "recommendationShown",
  recommendation_clicked: "recommendationClicked",
  product_viewed: "productViewed",
  add_to_cart: "addToCart",
  purchase: "purchases",
};

const SESSION_FLAG_OF: Partial<Record<EventType, keyof SessionDayDoc>> = {
  widget_shown: "widgetShown",
  try_on_started: "tryOnStarted",
  try_on_rendered: "tryOnRendered",
  add_to_cart: "addToCart",
  purchase: "purchased",
};

export interface ProcessedBatch {
  batchId: string;
  tenantId: string;
  events: number;
  /** Events this delivery counted (0 for duplicates and for a redelivered, already applied batch). */
  counted: number;
  receivedAt: string;
  processedAt: Date;
  /** Events of redacted shoppers or sessions were dropped or deleted (suppression.ts). */
  redacted: boolean;
}

export interface BatchProcessorOptions {
  /** How long applied-batch markers are kept (at least 7 days). Events follow the tenant's `eventDays`. */
  retentionDays: number;
  /** Redactions the batches must honour (events of a redacted shopper received before it are dropped). */
  suppressions: Suppressions;
  /** Called after a batch's increments are durable (benchmarks measure lag with it). */
  onProcessed?: (result: ProcessedBatch) => void;
}

const isConflict = (error: unknown) => isAppError(error) && error.code === "CONFLICT";
/** The UTC day of an ISO time; a `…Z` time is its own prefix (a Date round trip per event cost ~1.5 µs). */
const dayOf = (iso: string) =>
  iso.length >= 20 && iso.endsWith("Z") && iso[10] === "T"
    ? iso.slice(0, 10)
    : new Date(iso).toISOString().slice(0, 10);

/**
 * Applies queued batches to the store, exactly once per event even though the queue delivers
 * at least once and a process can die between any two writes.
 *
 * Per batch B (the queue job id):
 * 1. If the applied-batch marker for B exists, stop: B was fully applied.
 * 2. Insert the raw events with `batchId: B` (unique by event id within the tenant), one
 *    insertMany. An event that already exists is counted by B only if its `batchId` is B (an
 *    earlier, interrupted delivery of B); otherwise it belongs to another batch (a client retry)
 *    and is a duplicate. Which ids exist is learnt with one `$in` read.
 * 3. Per session-day doc (all of the batch's read with one `$in`): record the products the
 *    session touched, each owned by the first batch that touched it (that batch owns the +1 in
 *    the product's distinct `sessions`).
 * 4. Per daily aggregate: one `$inc` guarded by `ledger.B` (the update only matches when B is not
 *    in the ledger, and adds it), so a re-run after a crash in the middle of step 4 skips the
 *    aggregates it already changed. Concurrent batches share one such write (group commit). The increments are recomputed identically on a re-run:
 *    they depend only on the events and session products owned by B, which never change.
 * 5. Write the applied-batch marker (batches finishing together share one insertMany). Only
 *    then may `ledger.B` be removed; removal rides along
 *    with the next update of the same aggregate (no extra write), so a crash leaves at most a
 *    few stale ledger keys and never a double count.
 *
 * Redactions (suppression.ts): before step 2 the events of shoppers and sessions redacted at
 * or after the batch's `receivedAt` are taken out (not stored, not counted). Before step 5 the
 * suppressions are read again: a redaction that ran while this batch was being written missed
 * what it wrote, so that is deleted here. The marker comes after, so a failure in between
 * retries the batch, and the retry drops those events again and deletes what is left of them.
 */
export function createBatchProcessor(store: DocumentStore, logger: Logger, options: BatchProcessorOptions) {
  const raw = store.tenantCollection<RawEventDoc>(COLLECTIONS.analyticsEvents);
  const daily = store.tenantCollection<DailyDoc>(ANALYTICS_COLLECTIONS.daily);
  const sessionDays = store.tenantCollection<SessionDayDoc>(ANALYTICS_COLLECTIONS.sessionDays);
  const applied = store.tenantCollection<AppliedBatchDoc>(ANALYTICS_COLLECTIONS.appliedBatches);
  const retention = createRetentionPolicy(store);
  /** Aggregate id -> ledger keys that may be removed on its next update. */
  const settledLedger = new Map<string, { tenantId: string; batches: string[] }>();
  const MAX_SETTLED = 20_000;

  async function insertRaw(tenantId: string, batchId: string, docs: RawEventDoc[]): Promise<RawEventDoc[]> {
    try {
      // One write for the whole batch: all or none.
      await raw.insertMany(tenantId, docs);
      return docs;
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    // Some ids exist: a client retry (another batch's events) or an interrupted delivery of this
    // batch. One `$in` read (the `_id` index) tells which, then the rest go in as one write.
    const ids = docs.map((doc) => doc.id);
    for (let round = 0; round < 3; round++) {
      const existing = await raw.find(tenantId, { id: { $in: ids } }, { projection: { batchId: 1 } });
      const ownerOf = new Map(existing.map((doc) => [doc.id, doc.batchId]));
      const missing = docs.filter((doc) => !ownerOf.has(doc.id));
      try {
        if (missing.length > 0) await raw.insertMany(tenantId, missing);
        return docs.filter((doc) => !ownerOf.has(doc.id) || ownerOf.get(doc.id) === batchId);
      } catch (error) {
        if (!isConflict(error)) throw error; // a concurrent batch inserted one of them meanwhile
      }
    }
    const ours: RawEventDoc[] = [];
    for (const doc of docs) {
      try {
        await raw.insertOne(tenantId, doc);
        ours.push(doc);
      } catch (error) {
        if (!isConflict(error)) throw error;
        const existing = await raw.findById(tenantId, doc.id);
        if (existing?.batchId === batchId) ours.push(doc);
      }
    }
    return ours;
  }

  /** Returns the products whose distinct-session +1 this batch owns, and whether it owns the session-day itself. */
  async function recordSessionDay(
    tenantId: string,
    batchId: string,
    day: string,
    events: AnalyticsEventInput[],
    expiresAt: Date,
    prefetched: SessionDayDoc | null,
  ): Promise<{ products: string[]; ownsDay: boolean }> {
    const first = events[0] as AnalyticsEventInput;
    const id = sessionDayId(day, first.sessionId);
    const products = [...new Set(events.flatMap((e) => (e.productId ? [e.productId] : [])))];
    const flags: Record<string, 1> = {};
    for (const event of events) {
      const flag = SESSION_FLAG_OF[event.type];
      if (flag) flags[flag] = 1;
      if (event.type !== "purchase") flags.seen = 1;
    }
    const shopperId = events.find((e) => e.shopperId)?.shopperId;
    for (let tryNo = 0; tryNo < 10; tryNo++) {
      // The first round uses the batch's one `$in` read of all its session-day docs.
      const doc = tryNo === 0 ? prefetched : await sessionDays.findById(tenantId, id);
      if (!doc) {
        try {
          await sessionDays.insertOne(tenantId, {
            id,
            day,
            sessionId: first.sessionId,
            ...(shopperId ? { shopperId } : {}),
            createdBy: batchId,
            products: Object.fromEntries(products.map((p) => [productKey(p), batchId])),
            widgetShown: 0,
            tryOnStarted: 0,
            tryOnRendered: 0,
            addToCart: 0,
            purchased: 0,
            seen: 0,
            ...flags,
            v: 1,
            expiresAt,
          });
          return { products, ownsDay: true };
        } catch (error) {
          if (!isConflict(error)) throw error;
          continue; // another batch of the same session created it meanwhile
        }
      }
      const owned = products.filter((p) => {
        const owner = doc.products[productKey(p)];
        return owner === undefined || owner === batchId;
      });
      const set: Record<string, unknown> = {};
      for (const p of owned) set[`products.${productKey(p)}`] = batchId;
      if (shopperId && !doc.shopperId) set.shopperId = shopperId;
      const update: Update = { $inc: { v: 1 }, $max: { ...flags, expiresAt } };
      if (Object.keys(set).length > 0) update.$set = set;
      const result = await sessionDays.updateOne(tenantId, { id, v: doc.v }, update);
      if (result.matched === 1) return { products: owned, ownsDay: doc.createdBy === batchId };
    }
    throw new Error(`session-day ${id}: too much contention`);
  }

  /**
   * One guarded `$inc` for an aggregate, carrying the increments of one or more batches. The
   * filter requires every one of their ledger keys to be absent and the update adds them all,
   * so it applies all of the batches or none. Returns false when a key was present (a batch
   * is a re-run): the caller then applies the batches one by one, each under its own guard.
   */
  async function applyGuarded(
    tenantId: string,
    aggregateId: string,
    day: string,
    productId: string,
    batchIds: string[],
    counts: Record<string, number>,
  ): Promise<boolean> {
    const filter: Record<string, unknown> = { id: aggregateId };
    const set: Record<string, unknown> = { day, productId, updatedAt: new Date() };
    for (const batchId of batchIds) {
      filter[`ledger.${batchId}`] = { $exists: false };
      set[`ledger.${batchId}`] = 1;
    }
    const settled = settledLedger.get(aggregateId);
    settledLedger.delete(aggregateId);
    const update: Update = { $inc: counts, $set: set };
    if (settled) update.$unset = Object.fromEntries(settled.batches.map((b) => [`ledger.${b}`, ""] as const));
    try {
      await daily.updateOne(tenantId, filter, update, { upsert: true });
      return true;
    } catch (error) {
      if (settled) rememberSettled(aggregateId, settled.tenantId, settled.batches);
      // The guard missed and the upsert hit the existing id: one of the batches is already in.
      if (isConflict(error)) return false;
      throw error;
    }
  }

  /**
   * Group commit: batches handled concurrently hand their increments over, and while one flush
   * runs the next ones gather, so a busy aggregate (a popular frame today) takes one write per
   * flush instead of one per batch. Exactly-once still holds per batch (see applyGuarded).
   */
  interface Submission {
    tenantId: string;
    batchId: string;
    increments: Map<string, DailyIncrement>;
    settle: (error?: unknown) => void;
  }
  let waiting: Submission[] = [];
  let flushing = false;

  function submitIncrements(tenantId: string, batchId: string, increments: Map<string, DailyIncrement>) {
    return new Promise<void>((resolve, reject) => {
      waiting.push({ tenantId, batchId, increments, settle: (error) => (error ? reject(error) : resolve()) });
      if (!flushing) void flushLoop();
    });
  }

  async function flushLoop(): Promise<void> {
    flushing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting;
        waiting = [];
        await flushGroup(group);
      }
    } finally {
      flushing = false;
    }
  }

  async function flushGroup(group: Submission[]): Promise<void> {
    const merged = new Map<
      string,
      { tenantId: string; day: string; productId: string; counts: Record<string, number>; parts: Submission[] }
    >();
    for (const submission of group) {
      for (const [aggregateId, inc] of submission.increments) {
        let entry = merged.get(aggregateId);
        if (!entry) {
          entry = { tenantId: submission.tenantId, day: inc.day, productId: inc.productId, counts: {}, parts: [] };
          merged.set(aggregateId, entry);
        }
        for (const [metric, by] of Object.entries(inc.counts)) entry.counts[metric] = (entry.counts[metric] ?? 0) + by;
        entry.parts.push(submission);
      }
    }
    const failed = new Map<Submission, unknown>();
    await Promise.all(
      [...merged].map(async ([aggregateId, entry]) => {
        try {
          const batchIds = entry.parts.map((p) => p.batchId);
          if (await applyGuarded(entry.tenantId, aggregateId, entry.day, entry.productId, batchIds, entry.counts))
            return;
          if (entry.parts.length === 1) return; // that single batch was already applied
          for (const part of entry.parts) {
            const inc = part.increments.get(aggregateId) as DailyIncrement;
            await applyGuarded(part.tenantId, aggregateId, inc.day, inc.productId, [part.batchId], inc.counts);
          }
        } catch (error) {
          // Unknown outcome: the batches retry through the queue; their guards make that safe.
          for (const part of entry.parts) failed.set(part, error);
        }
      }),
    );
    for (const submission of group) submission.settle(failed.get(submission));
  }

  /**
   * Applied markers, group-committed like the increments: batches finishing together write their
   * markers with one insertMany per tenant. A marker may already exist (two deliveries of one
   * batch); then they are written one by one and the existing one is kept.
   */
  interface MarkerWrite {
    tenantId: string;
    doc: AppliedBatchDoc;
    settle: (error?: unknown) => void;
  }
  let markers: MarkerWrite[] = [];
  let markersFlushing = false;

  function writeMarker(tenantId: string, doc: Omit<AppliedBatchDoc, "tenantId">): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      markers.push({ tenantId, doc: { ...doc, tenantId }, settle: (error) => (error ? reject(error) : resolve()) });
      if (!markersFlushing) void flushMarkers();
    });
  }

  async function flushMarkers(): Promise<void> {
    markersFlushing = true;
    try {
      while (markers.length > 0) {
        const group = markers;
        markers = [];
        const byTenant = new Map<string, MarkerWrite[]>();
        for (const write of group) byTenant.set(write.tenantId, [...(byTenant.get(write.tenantId) ?? []), write]);
        await Promise.all([...byTenant].map(([tenantId, writes]) => insertMarkers(tenantId, writes)));
      }
    } finally {
      markersFlushing = false;
    }
  }

  async function insertMarkers(tenantId: string, writes: MarkerWrite[]): Promise<void> {
    try {
      await applied.insertMany(
        tenantId,
        writes.map((w) => w.doc),
      );
      for (const write of writes) write.settle();
      return;
    } catch (error) {
      if (!isConflict(error)) {
        for (const write of writes) write.settle(error);
        return;
      }
    }
    for (const write of writes) {
      try {
        await applied.insertOne(tenantId, write.doc);
        write.settle();
      } catch (error) {
        write.settle(isConflict(error) ? undefined : error);
      }
    }
  }

  function rememberSettled(aggregateId: string, tenantId: string, batches: string[]) {
    const entry = settledLedger.get(aggregateId);
    if (entry) entry.batches.push(...batches);
    else settledLedger.set(aggregateId, { tenantId, batches: [...batches] });
  }

  /** Removes settled ledger keys now (on stop, or when too many are waiting for a next update). */
  async function flushLedger(): Promise<void> {
    const entries = [...settledLedger.entries()];
    settledLedger.clear();
    for (const [aggregateId, { tenantId, batches }] of entries) {
      const unset = Object.fromEntries(batches.map((b) => [`ledger.${b}`, ""] as const));
      await daily.updateOne(tenantId, { id: aggregateId }, { $unset: unset }).catch((error: unknown) => {
        logger.warn({ err: error, aggregateId }, "could not trim an aggregate ledger");
      });
    }
  }

  /**
   * Deletes what is stored of the shoppers and sessions a screen dropped, from every batch
   * received up to their redaction (as the erase would have, had it known them), and their
   * session records; a session only now found to be the shopper's is suppressed first.
   */
  async function purge(tenantId: string, screened: Screened): Promise<boolean> {
    const { shopperIds, sessionIds } = screened.dropped;
    if (shopperIds.size === 0 && sessionIds.size === 0) return false;
    const byTime = new Map<string, string[]>();
    for (const [sessionId, at] of screened.implicated) byTime.set(at, [...(byTime.get(at) ?? []), sessionId]);
    await Promise.all(
      [...byTime].map(([at, ids]) => options.suppressions.suppress(tenantId, { sessionIds: ids }, new Date(at))),
    );
    const upTo = (field: "shopperId" | "sessionId", ids: Map<string, string>) =>
      [...ids].map(([id, at]) => ({ [field]: id, receivedAt: { $lte: at } }));
    await Promise.all([
      raw.deleteMany(tenantId, { $or: [...upTo("shopperId", shopperIds), ...upTo("sessionId", sessionIds)] }),
      sessionDays.deleteMany(tenantId, {
        $or: [
          ...(shopperIds.size > 0 ? [{ shopperId: { $in: [...shopperIds.keys()] } }] : []),
          ...(sessionIds.size > 0 ? [{ sessionId: { $in: [...sessionIds.keys()] } }] : []),
        ],
      }),
    ]);
    logger.info({ shoppers: shopperIds.size, sessions: sessionIds.size }, "redacted events of queued batches removed");
    return true;
  }

  /** `attempt` 1 is a first delivery (the queue counts re-claims and retries), which cannot have been applied. */
  async function process(batch: QueuedBatch, attempt = 2): Promise<ProcessedBatch> {
    const { tenantId, batchId } = batch;
    const markerId = batchId;
    let redacted = false;
    const purgeFor = async (screened: Screened) => {
      if (await purge(tenantId, screened)) redacted = true;
    };
    const done = (counted: number): ProcessedBatch => {
      const result = {
        batchId,
        tenantId,
        events: batch.events.length,
        counted,
        receivedAt: batch.receivedAt,
        processedAt: new Date(),
        redacted,
      };
      options.onProcessed?.(result);
      return result;
    };
    if (attempt > 1 && (await applied.findById(tenantId, markerId))) return done(0);
    const screened = await options.suppressions.screen(tenantId, batch.receivedAt, batch.events);
    // An earlier attempt, or another batch of the shopper's session, may have stored some already.
    await purgeFor(screened);
    // Events and their session records are kept for the tenant's event retention.
    const retentionMs = daysToMs((await retention.get(tenantId)).eventDays);

    // Object.assign, not `{ ...event, more }`: V8 builds a spread followed by several properties
    // through a slow path (~5 µs per object, measured), which showed up as 5 % of the processor.
    const docs: RawEventDoc[] = screened.events.map((event) =>
      Object.assign({}, event, {
        tenantId,
        receivedAt: batch.receivedAt,
        deviceClass: batch.deviceClass,
        region: batch.region,
        expiresAt: new Date(Date.parse(event.occurredAt) + retentionMs),
        batchId,
      }),
    );
    const ours = await insertRaw(tenantId, batchId, docs);

    // Increments per aggregate, from the events this batch owns.
    const increments = new Map<string, DailyIncrement>();
    const bump = (day: string, productId: string, metric: string, by: number) => {
      const id = dailyId(day, productId);
      let inc = increments.get(id);
      if (!inc) {
        inc = { day, productId, counts: {} };
        increments.set(id, inc);
      }
      inc.counts[metric] = (inc.counts[metric] ?? 0) + by;
    };
    const bySessionDay = new Map<string, { day: string; events: AnalyticsEventInput[]; expiresAt: Date }>();
    for (const doc of ours) {
      const day = dayOf(doc.occurredAt);
      const metric = METRIC_OF[doc.type];
      const targets = doc.productId ? [ALL_PRODUCTS, doc.productId] : [ALL_PRODUCTS];
      for (const productId of targets) {
        bump(day, productId, metric, 1);
        if (doc.type === "purchase") {
          const { quantity, value, currency } = purchaseFigures(doc.properties);
          bump(day, productId, "units", quantity);
          bump(day, productId, `revenue.${currency}`, Math.round(value * 100));
        }
      }
      const key = `${day}|${doc.sessionId}`;
      const group = bySessionDay.get(key);
      if (group) {
        group.events.push(doc);
        if (doc.expiresAt > group.expiresAt) group.expiresAt = doc.expiresAt;
      } else bySessionDay.set(key, { day, events: [doc], expiresAt: doc.expiresAt });
    }
    const groups = [...bySessionDay.values()];
    const known = new Map(
      groups.length === 0
        ? []
        : (
            await sessionDays.find(tenantId, {
              id: { $in: groups.map((g) => sessionDayId(g.day, (g.events[0] as AnalyticsEventInput).sessionId)) },
            })
          ).map((doc) => [doc.id, doc]),
    );
    const sessionResults = await Promise.all(
      groups.map(async (group) => {
        const id = sessionDayId(group.day, (group.events[0] as AnalyticsEventInput).sessionId);
        const prefetched = known.get(id) ?? null;
        return {
          day: group.day,
          ...(await recordSessionDay(tenantId, batchId, group.day, group.events, group.expiresAt, prefetched)),
        };
      }),
    );
    for (const { day, products, ownsDay } of sessionResults) {
      if (ownsDay) bump(day, ALL_PRODUCTS, "sessions", 1);
      for (const productId of products) bump(day, productId, "sessions", 1);
    }

    await submitIncrements(tenantId, batchId, increments);

    // A redaction that ran while the batch was written: it could not see these events yet.
    await purgeFor(await options.suppressions.screen(tenantId, batch.receivedAt, screened.events));

    await writeMarker(tenantId, {
      id: markerId,
      events: batch.events.length,
      counted: ours.length,
      appliedAt: new Date(),
      // Long enough for any redelivery, including dead letters requeued days later.
      expiresAt: new Date(Date.now() + Math.max(7, options.retentionDays) * DAY_MS),
    });
    for (const id of increments.keys()) rememberSettled(id, tenantId, [batchId]);
    if (settledLedger.size > MAX_SETTLED) await flushLedger();
    return done(ours.length);
  }

  return { process, flushLedger };
}

export type BatchProcessor = ReturnType<typeof createBatchProcessor>;

interface DailyIncrement {
  day: string;
  productId: string;
  counts: Record<string, number>;
}

/**
 * Purchase events carry `quantity`, `value` (line total) or `price`, and `currency`. A widget
 * may send a purchase without them; it then counts as one unit and no revenue.
 */
export function purchaseFigures(properties: Record<string, unknown>): {
  quantity: number;
  value: number;
  currency: string;
} {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined);
  const quantity = Math.floor(num(properties.quantity) ?? 1);
  const price = num(properties.price);
  const value = num(properties.value) ?? (price !== undefined ? price * quantity : 0);
  const currency =
    typeof properties.currency === "string" && /^[A-Z]{3}$/.test(properties.currency) ? properties.currency : "XXX";
  return { quantity, value, currency };
}
