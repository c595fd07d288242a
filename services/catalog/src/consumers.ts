import type { Consumer, Job, RuntimeDeps } from "@varai/runtime";
import { CATALOG_QUEUES } from "./collections.ts";
import type { IntakeActivity } from "./intake-activity.ts";
import type { SyncEngine, SyncJob } from "./sync.ts";
import type { CatalogServiceOptions } from "./types.ts";
import type { EventJob } from "./webhook-intake.ts";

/**
 * Starts a job after pending I/O (an in-process consumer would otherwise run in the microtasks of
 * the enqueue, ahead of the next webhook acks), and while deliveries are arriving, once there is a
 * gap between them or the job is a second old (intake-activity.ts). The queue absorbs bursts; acks stay
 * fast; under a sustained load the worker runs at full speed a second behind.
 */
const acksFirst =
  <T>(activity: IntakeActivity, handler: (job: Job<T>) => Promise<void>) =>
  async (job: Job<T>): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const age = Date.now() - Date.parse(job.enqueuedAt);
    await activity.idle(performance.now() - (Number.isFinite(age) ? Math.max(0, age) : 0));
    return handler(job);
  };

const SYNC_ATTEMPTS = 5;

export interface CatalogConsumersDeps {
  deps: RuntimeDeps;
  activity: IntakeActivity;
  handleEvent(job: Job<EventJob>): Promise<void>;
  sync: SyncEngine;
  options: Pick<CatalogServiceOptions, "eventConcurrency" | "eventRetry" | "reconcileIntervalMs">;
}

/**
 * The catalog's background work: the webhook event and sync run consumers and the
 * reconciliation schedule (the webhook stats and delivery records schedule their own writes). `start` also resumes sync runs whose worker died.
 */
export function createCatalogConsumers({ deps, activity, handleEvent, sync, options }: CatalogConsumersDeps) {
  let consumers: Consumer[] = [];
  let timers: NodeJS.Timeout[] = [];
  return {
    async start() {
      sync.resume();
      consumers = [
        deps.queue.consume<EventJob>(CATALOG_QUEUES.events, acksFirst(activity, handleEvent), {
          concurrency: options.eventConcurrency ?? 4,
          maxAttempts: options.eventRetry?.maxAttempts ?? 8,
          backoffMs: options.eventRetry?.backoffMs ?? 1000,
        }),
        deps.queue.consume<SyncJob>(CATALOG_QUEUES.sync, (job: Job<SyncJob>) => sync.runJob(job, SYNC_ATTEMPTS), {
          concurrency: 2,
          maxAttempts: SYNC_ATTEMPTS,
          backoffMs: 2000,
          visibilityTimeoutMs: 10 * 60_000,
        }),
      ];
      timers = [];
      const every = options.reconcileIntervalMs ?? 15 * 60_000;
      if (every > 0) {
        const t = setInterval(() => {
          sync.reconcile().catch((error) => deps.logger.error({ err: error }, "reconciliation failed"));
        }, every);
        t.unref();
        timers.push(t);
      }
      await sync.resumeStale();
    },
    /** Stops the schedules and waits for the jobs in flight. */
    async stop() {
      sync.stop();
      for (const t of timers) clearInterval(t);
      await Promise.all(consumers.map((c) => c.stop()));
      consumers = [];
    },
  };
}
