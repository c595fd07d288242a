import type { Logger } from "@varai/runtime";
import { isAppError } from "@varai/schema";
import type { DeliveryDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";
import { createIntakeActivity, type IntakeActivity } from "./intake-activity.ts";

/**
 * The delivery records (audit and health: what arrived when) are written in batches off the ack
 * path: one store write per delivery, behind the embedded store's write lock, was most of the
 * intake latency. Nothing accepted is lost by deferring them: the job is already in the queue
 * (the durable record in production) before the 200, dedupe is the cache's `setIfAbsent`, and a
 * duplicate the cache forgot (restart of the in-process cache, eviction) is processed again
 * harmlessly (last-writer-wins; thin payloads re-fetch the current state). A crash loses at most
 * the records of the last second.
 *
 * The writes wait for a gap between deliveries (`activity`, at most a second) and go in chunks of
 * `batchSize` with other callbacks in between: an insert of 100 records is a few milliseconds of
 * one event loop the acks share.
 */
export function createDeliveryLog(
  store: CatalogStore,
  logger: Logger,
  activity: IntakeActivity = createIntakeActivity({ maxDeferMs: 0 }),
  batchSize = 100,
) {
  let pending: DeliveryDoc[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;
  const insert = async (tenantId: string, rows: Array<Omit<DeliveryDoc, "tenantId">>) => {
    try {
      await store.deliveries.insertMany(tenantId, rows);
    } catch (error) {
      if (!(isAppError(error) && error.code === "CONFLICT")) {
        logger.warn({ tenantId, count: rows.length, err: error }, "webhook delivery records not written");
        return;
      }
      // A record with that id exists already (a replay after a cache restart): the rest one by one.
      for (const row of rows)
        await store.deliveries.insertOne(tenantId, row).catch((e) => {
          if (!(isAppError(e) && e.code === "CONFLICT")) logger.warn({ tenantId, err: e }, "delivery record");
        });
    }
  };
  const write = async (batch: DeliveryDoc[]) => {
    const byTenant = new Map<string, Array<Omit<DeliveryDoc, "tenantId">>>();
    for (const { tenantId, ...row } of batch) {
      const list = byTenant.get(tenantId) ?? [];
      list.push(row);
      byTenant.set(tenantId, list);
    }
    for (const [tenantId, rows] of byTenant) {
      for (let i = 0; i < rows.length; i += batchSize) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        await insert(tenantId, rows.slice(i, i + batchSize));
      }
    }
  };
  const flush = () => {
    if (pending.length === 0) return flushing;
    const batch = pending;
    pending = [];
    flushing = flushing.then(() => write(batch));
    return flushing;
  };
  return {
    record(doc: DeliveryDoc) {
      pending.push(doc);
      if (scheduled) return;
      scheduled = true;
      void activity.idle(performance.now()).then(() => {
        scheduled = false;
        return flush();
      });
    },
    /** Writes everything recorded so far (stop, and readers that need the records now). */
    flush,
  };
}
export type DeliveryLog = ReturnType<typeof createDeliveryLog>;

/**
 * The log, also telling `listener` about each recorded delivery (the gateway's live updates).
 * The listener runs on the ack path: a throw is logged and never fails the delivery.
 */
export function withDeliveryListener(
  log: DeliveryLog,
  listener: (delivery: { tenantId: string; connectionId: string; topic: string; receivedAt: string }) => void,
  logger: Logger,
): DeliveryLog {
  return {
    ...log,
    record(doc) {
      log.record(doc);
      try {
        const { tenantId, connectionId, topic, receivedAt } = doc;
        listener({ tenantId, connectionId, topic, receivedAt });
      } catch (error) {
        logger.warn({ err: error }, "catalog activity listener failed");
      }
    },
  };
}
