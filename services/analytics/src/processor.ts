import { COLLECTIONS, createRetentionPolicy, type DocumentStore, daysToMs, type Logger } from "@varai/runtime";
import type { AnalyticsEventRecord } from "@varai/schema";
import { createAppliedMarkers } from "./applied-markers.ts";
import { createIncrementWriter } from "./apply-increments.ts";
import {
  ALL_PRODUCTS,
  ANALYTICS_COLLECTIONS,
  type AppliedBatchDoc,
  type DailyDoc,
  type SessionDayDoc,
} from "./collections.ts";
import { bump, countEvents } from "./count-events.ts";
import { insertRawEvents } from "./insert-raw-events.ts";
import { purgeRedacted } from "./purge-redacted.ts";
import { recordSessionDays } from "./record-session-days.ts";
import type { QueuedBatch } from "./schemas.ts";
import type { Screened, Suppressions } from "./suppression.ts";

const DAY_MS = 86_400_000;

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

/**
 * Applies queued batches to the store, exactly once per event even though the queue delivers
 * at least once and a process can die between any two writes. Each step is in its own file;
 * this function runs them in order.
 *
 * Per batch B (the queue job id):
 * 1. If the applied-batch marker for B exists, stop: B was fully applied (applied-markers.ts).
 * 2. Insert the raw events with `batchId: B` (unique by event id within the tenant), one
 *    insertMany. An event that already exists is counted by B only if its `batchId` is B (an
 *    earlier, interrupted delivery of B); otherwise it belongs to another batch (a client retry)
 *    and is a duplicate. Which ids exist is learnt with one `$in` read (insert-raw-events.ts).
 * 3. Per session-day doc (all of the batch's read with one `$in`): record the products the
 *    session touched, each owned by the first batch that touched it (that batch owns the +1 in
 *    the product's distinct `sessions`) (record-session-days.ts).
 * 4. Per daily aggregate: one `$inc` guarded by `ledger.B` (the update only matches when B is not
 *    in the ledger, and adds it), so a re-run after a crash in the middle of step 4 skips the
 *    aggregates it already changed. Concurrent batches share one such write (group commit). The
 *    increments are recomputed identically on a re-run: they depend only on the events and
 *    session products owned by B, which never change (count-events.ts, apply-increments.ts).
 * 5. Write the applied-batch marker (batches finishing together share one insertMany). Only
 *    then may `ledger.B` be removed; removal rides along with the next update of the same
 *    aggregate (no extra write), so a crash leaves at most a few stale ledger keys and never a
 *    double count (applied-markers.ts, settled-ledger.ts).
 *
 * Redactions (suppression.ts, purge-redacted.ts): before step 2 the events of shoppers and
 * sessions redacted at or after the batch's `receivedAt` are taken out (not stored, not
 * counted). Before step 5 the suppressions are read again: a redaction that ran while this batch
 * was being written missed what it wrote, so that is deleted here. The marker comes after, so a
 * failure in between retries the batch, and the retry drops those events again and deletes what
 * is left of them.
 */
export function createBatchProcessor(store: DocumentStore, logger: Logger, options: BatchProcessorOptions) {
  const raw = store.tenantCollection<AnalyticsEventRecord>(COLLECTIONS.analyticsEvents);
  const sessionDays = store.tenantCollection<SessionDayDoc>(ANALYTICS_COLLECTIONS.sessionDays);
  const retention = createRetentionPolicy(store);
  const increments = createIncrementWriter(store.tenantCollection<DailyDoc>(ANALYTICS_COLLECTIONS.daily), logger);
  const markers = createAppliedMarkers(store.tenantCollection<AppliedBatchDoc>(ANALYTICS_COLLECTIONS.appliedBatches));

  /** `attempt` 1 is a first delivery (the queue counts re-claims and retries), which cannot have been applied. */
  async function process(batch: QueuedBatch, attempt = 2): Promise<ProcessedBatch> {
    const { tenantId, batchId } = batch;
    let redacted = false;
    const purgeFor = async (screened: Screened) => {
      if (await purgeRedacted({ raw, sessionDays }, options.suppressions, logger, tenantId, screened)) redacted = true;
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
    if (attempt > 1 && (await markers.isApplied(tenantId, batchId))) return done(0);
    const screened = await options.suppressions.screen(tenantId, batch.receivedAt, batch.events);
    // An earlier attempt, or another batch of the shopper's session, may have stored some already.
    await purgeFor(screened);
    // Events and their session records are kept for the tenant's event retention.
    const retentionMs = daysToMs((await retention.get(tenantId)).eventDays);

    // Object.assign, not `{ ...event, more }`: V8 builds a spread followed by several properties
    // through a slow path (~5 µs per object, measured), which showed up as 5 % of the processor.
    const docs: AnalyticsEventRecord[] = screened.events.map((event) =>
      Object.assign({}, event, {
        tenantId,
        receivedAt: batch.receivedAt,
        deviceClass: batch.deviceClass,
        region: batch.region,
        expiresAt: new Date(Date.parse(event.occurredAt) + retentionMs),
        batchId,
      }),
    );
    const ours = await insertRawEvents(raw, tenantId, batchId, docs);

    // Increments per aggregate, from the events this batch owns and the sessions it owns.
    const counted = countEvents(ours);
    const shares = await recordSessionDays(sessionDays, tenantId, batchId, counted.sessionDays);
    for (const { day, products, ownsDay } of shares) {
      if (ownsDay) bump(counted.increments, day, ALL_PRODUCTS, "sessions", 1);
      for (const productId of products) bump(counted.increments, day, productId, "sessions", 1);
    }

    await increments.submit(tenantId, batchId, counted.increments);

    // A redaction that ran while the batch was written: it could not see these events yet.
    await purgeFor(await options.suppressions.screen(tenantId, batch.receivedAt, screened.events));

    await markers.write(tenantId, {
      id: batchId,
      events: batch.events.length,
      counted: ours.length,
      appliedAt: new Date(),
      // Long enough for any redelivery, including dead letters requeued days later.
      expiresAt: new Date(Date.now() + Math.max(7, options.retentionDays) * DAY_MS),
    });
    await increments.settle(tenantId, batchId, counted.increments.keys());
    return done(ours.length);
  }

  return { process, flushLedger: increments.flushLedger };
}

export type BatchProcessor = ReturnType<typeof createBatchProcessor>;
