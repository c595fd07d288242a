import { QUEUES, type Queue } from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { QueuedBatch } from "./schemas.ts";

const DEPTH_CACHE_MS = 100;

export interface EventQueue {
  /** 503 `OVERLOADED` when the queue holds `maxDepth` batches or more. */
  assertCapacity(): Promise<void>;
  enqueue(batch: QueuedBatch): Promise<void>;
}

/** The ingest side of QUEUES.analyticsEvents, with backpressure on its depth. */
export function createEventQueue(queue: Queue, maxDepth: number): EventQueue {
  // Backpressure reads the depth at most every 100 ms, so a burst costs one Redis round trip.
  let depthCache: { value: number; at: number } | null = null;
  let depthPending: Promise<number> | null = null;
  async function queueDepth(): Promise<number> {
    if (depthCache && Date.now() - depthCache.at < DEPTH_CACHE_MS) return depthCache.value;
    depthPending ??= queue
      .depth(QUEUES.analyticsEvents)
      .then((value) => {
        depthCache = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        depthPending = null;
      });
    return depthPending;
  }
  return {
    async assertCapacity() {
      const depth = await queueDepth();
      if (depth >= maxDepth) {
        throw new AppError("OVERLOADED", "Event ingestion is behind; retry later", { details: { retryAfterMs: 2000 } });
      }
    },
    async enqueue(batch) {
      // The job id is the batch id: the processor's idempotency keys hang off it.
      await queue.enqueue(QUEUES.analyticsEvents, batch, { id: batch.batchId });
      if (depthCache) depthCache.value += 1;
    },
  };
}
