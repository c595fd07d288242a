import { type Consumer, type DocumentStore, type Logger, QUEUES, type Queue } from "@varai/runtime";
import { scrubLateDeadLetter } from "./late-dead-letter.ts";
import type { BatchProcessor } from "./processor.ts";
import type { QueuedBatch } from "./schemas.ts";
import type { Suppressions } from "./suppression.ts";

export interface ConsumerOptions {
  /** Batches handled at once. Default 4. */
  concurrency?: number;
  /** Default 8; after the last, the batch is a dead letter. */
  maxAttempts?: number;
  /** Retry backoff base (the queue's default 500 ms). */
  backoffMs?: number;
  /** Tests only: runs before each attempt at a batch; a throw fails the attempt. */
  fault?: (batch: QueuedBatch) => Promise<void>;
  visibilityTimeoutMs?: number;
  consumerName?: string;
}

export interface ProcessorControl {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
}

/** The queue consumer that feeds QUEUES.analyticsEvents to the batch processor. */
export function createProcessorConsumer(
  deps: { queue: Queue; store: DocumentStore; logger: Logger },
  processor: BatchProcessor,
  suppressions: Suppressions,
  options: ConsumerOptions,
): ProcessorControl {
  const { queue, store, logger } = deps;
  /**
   * A batch that carried a redacted shopper's events holds them in its queue job until the job
   * is acknowledged, just after this handler (group commit). On the embedded store the job's
   * deleted row stays in old page images until a checkpoint; one shortly after the ack makes
   * that deletion physical, as the redaction did for everything it reached.
   */
  let checkpointTimer: NodeJS.Timeout | null = null;
  function checkpointSoon(retries = 3): void {
    if (checkpointTimer) return;
    checkpointTimer = setTimeout(() => {
      checkpointTimer = null;
      store.checkpoint().catch((error: unknown) => {
        logger.warn({ err: error }, "checkpoint after a redacted batch failed");
        if (retries > 0) checkpointSoon(retries - 1);
      });
    }, 250);
    checkpointTimer.unref();
  }

  const maxAttempts = options.maxAttempts ?? 8;
  let consumer: Consumer | null = null;
  return {
    async start() {
      if (consumer) return;
      consumer = queue.consume<QueuedBatch>(
        QUEUES.analyticsEvents,
        async (job) => {
          try {
            await options.fault?.(job.payload);
            const result = await processor.process(job.payload, job.attempt);
            if (result.redacted) checkpointSoon();
          } catch (error) {
            // The last attempt: the batch goes to the dead letters, maybe after a redaction scrubbed them.
            if (job.attempt >= maxAttempts) {
              void scrubLateDeadLetter(queue, suppressions, logger, job.payload)
                .then((changed) => changed && checkpointSoon())
                .catch((scrubError: unknown) => logger.warn({ err: scrubError }, "late dead letter not screened"));
            }
            throw error;
          }
        },
        {
          concurrency: options.concurrency ?? 4,
          maxAttempts,
          ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
          ...(options.visibilityTimeoutMs ? { visibilityTimeoutMs: options.visibilityTimeoutMs } : {}),
          ...(options.consumerName ? { consumerName: options.consumerName } : {}),
        },
      );
    },
    async stop() {
      const current = consumer;
      consumer = null;
      await current?.stop();
      await processor.flushLedger();
    },
    get running() {
      return consumer !== null;
    },
  };
}
