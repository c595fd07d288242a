import { QUEUES, type Queue } from "@varai/runtime";
import type { AnalyticsEventInput } from "@varai/schema";
import type { QueuedBatch } from "./schemas.ts";

/** More than any back-end keeps (10 000 by default), so a walk sees every dead letter. */
const DEAD_LETTER_SCAN = 1_000_000;

export interface NotStoredEvent extends AnalyticsEventInput {
  batchId: string;
  receivedAt: string;
}

/**
 * Event batches that failed every retry wait in the queue's dead letters (for an operator to
 * requeue) with the shopper ids they carry. Shopper data too: the export lists them and the
 * erase takes them out, for the same set of shoppers and sessions as the stored events.
 */
export function createDeadLetterEvents(queue: Queue) {
  const letters = async (tenantId: string) =>
    (await queue.deadLetters<QueuedBatch>(QUEUES.analyticsEvents, DEAD_LETTER_SCAN))
      .map((letter) => letter.job.payload)
      .filter((batch) => batch?.tenantId === tenantId && Array.isArray(batch.events));

  const covers = (shopperId: string, sessions: Set<string>) => (event: AnalyticsEventInput) =>
    event.shopperId === shopperId || sessions.has(event.sessionId);

  return {
    /** The sessions the shopper appears in within the dead letters. */
    async sessionsOf(tenantId: string, shopperId: string): Promise<string[]> {
      const sessions = new Set<string>();
      for (const batch of await letters(tenantId)) {
        for (const event of batch.events) if (event.shopperId === shopperId) sessions.add(event.sessionId);
      }
      return [...sessions];
    },

    /** The shopper's events and those of `sessions` (which include the shopper's own). */
    async list(tenantId: string, shopperId: string, sessions: Set<string>): Promise<NotStoredEvent[]> {
      const out: NotStoredEvent[] = [];
      for (const batch of await letters(tenantId)) {
        for (const event of batch.events.filter(covers(shopperId, sessions))) {
          out.push({ ...event, batchId: batch.batchId, receivedAt: batch.receivedAt });
        }
      }
      return out;
    },

    /** Takes the same events out of every dead letter; a letter left empty is deleted. Returns events removed. */
    async erase(tenantId: string, shopperId: string, sessions: Set<string>): Promise<number> {
      let removed = 0;
      const match = covers(shopperId, sessions);
      await queue.rewriteDeadLetters<QueuedBatch>(QUEUES.analyticsEvents, (batch) => {
        if (batch?.tenantId !== tenantId || !Array.isArray(batch.events)) return undefined;
        const kept = batch.events.filter((event) => !match(event));
        if (kept.length === batch.events.length) return undefined;
        removed += batch.events.length - kept.length;
        return kept.length === 0 ? null : { ...batch, events: kept };
      });
      return removed;
    },

    /** A tenant erasure drops the tenant's dead letters whole. Returns events removed. */
    async eraseTenant(tenantId: string): Promise<number> {
      let removed = 0;
      await queue.rewriteDeadLetters<QueuedBatch>(QUEUES.analyticsEvents, (batch) => {
        if (batch?.tenantId !== tenantId) return undefined;
        removed += Array.isArray(batch.events) ? batch.events.length : 0;
        return null;
      });
      return removed;
    },
  };
}

export type DeadLetterEvents = ReturnType<typeof createDeadLetterEvents>;
