import { type Logger, QUEUES, type Queue } from "@varai/runtime";
import type { QueuedBatch } from "./schemas.ts";
import type { Suppressions } from "./suppression.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * A batch whose last attempt started before a redaction and failed after it reaches the dead
 * letters after the redaction scrubbed them, with the redacted shopper's events. Once its
 * letter is there, its events are screened against the suppressions and taken out. The letter
 * is looked for first: a redaction whose suppression comes later scrubs the letter itself.
 * Returns whether the letter was changed.
 */
export async function scrubLateDeadLetter(
  queue: Queue,
  suppressions: Suppressions,
  logger: Logger,
  batch: QueuedBatch,
): Promise<boolean> {
  for (let tryNo = 0; tryNo < 10; tryNo++) {
    await wait(100 * (tryNo + 1));
    const letters = await queue.deadLetters<QueuedBatch>(QUEUES.analyticsEvents, 1_000_000);
    if (!letters.some((letter) => letter.job.id === batch.batchId)) continue;
    const screened = await suppressions.screen(batch.tenantId, batch.receivedAt, batch.events);
    if (screened.events.length === batch.events.length) return false;
    const kept = new Set(screened.events.map((event) => event.id));
    const changed = await queue.rewriteDeadLetters<QueuedBatch>(QUEUES.analyticsEvents, (payload, letter) => {
      if (letter.job.id !== batch.batchId || !Array.isArray(payload?.events)) return undefined;
      const events = payload.events.filter((event) => kept.has(event.id));
      if (events.length === payload.events.length) return undefined;
      return events.length === 0 ? null : { ...payload, events };
    });
    if (changed > 0) logger.info({ batchId: batch.batchId }, "redacted events taken out of a late dead letter");
    return changed > 0;
  }
  logger.warn({ batchId: batch.batchId }, "dead letter of a failed batch not found; not screened");
  return false;
}
