import { Gauge } from "prom-client";
import type { ConsumeOptions, Job, Queue } from "../ports/queue.ts";
import { metrics, metricsRegistry } from "./metrics.ts";

/** Dead letters are counted up to this many per queue at each scrape (a list beyond it is an incident anyway). */
const DEAD_LETTER_SCAN = 1000;

/** Queues of this process, with the queue names they have seen, read at scrape time. */
const live = new Map<Queue, Set<string>>();

async function eachQueue(read: (queue: Queue, name: string) => Promise<number>, gauge: Gauge<"queue">) {
  gauge.reset();
  const totals = new Map<string, number>();
  for (const [queue, names] of live) {
    for (const name of names) {
      // A queue that cannot answer (Redis down) reports nothing; /readyz says why.
      const value = await read(queue, name).catch(() => null);
      if (value !== null) totals.set(name, (totals.get(name) ?? 0) + value);
    }
  }
  for (const [name, value] of totals) gauge.set({ queue: name }, value);
}

const depthGauge: Gauge<"queue"> = new Gauge({
  name: "varai_queue_depth",
  help: "Jobs waiting or in flight, per queue (read at scrape time)",
  labelNames: ["queue"],
  registers: [metricsRegistry],
  collect: () => eachQueue((queue, name) => queue.depth(name), depthGauge),
});

const deadGauge: Gauge<"queue"> = new Gauge({
  name: "varai_queue_dead_letters",
  help: `Dead-lettered jobs per queue (counted up to ${DEAD_LETTER_SCAN})`,
  labelNames: ["queue"],
  registers: [metricsRegistry],
  collect: () => eachQueue(async (queue, name) => (await queue.deadLetters(name, DEAD_LETTER_SCAN)).length, deadGauge),
});

/**
 * The queue port with metrics: jobs enqueued, done, failed and dead-lettered, the lag from
 * enqueue to delivery, and depth and dead letters read at scrape time. Behaviour is the
 * wrapped queue's, unchanged.
 */
export function instrumentQueue(queue: Queue): Queue {
  const names = new Set<string>();
  live.set(queue, names);
  return {
    kind: queue.kind,
    enqueue: async (name, payload, options) => {
      names.add(name);
      const id = await queue.enqueue(name, payload, options);
      metrics.queueJobs.inc({ queue: name, outcome: "enqueued" });
      return id;
    },
    consume: <T>(name: string, handler: (job: Job<T>) => Promise<void>, options?: ConsumeOptions) => {
      names.add(name);
      const maxAttempts = options?.maxAttempts ?? 5;
      return queue.consume(
        name,
        async (job: Job<T>) => {
          metrics.queueLag.observe({ queue: name }, Math.max(0, Date.now() - Date.parse(job.enqueuedAt)) / 1000);
          try {
            await handler(job);
            metrics.queueJobs.inc({ queue: name, outcome: "done" });
          } catch (error) {
            metrics.queueJobs.inc({ queue: name, outcome: job.attempt >= maxAttempts ? "dead" : "failed" });
            throw error;
          }
        },
        options,
      );
    },
    depth: (name) => queue.depth(name),
    deadLetters: (name, limit) => queue.deadLetters(name, limit),
    requeueDeadLetters: (name) => queue.requeueDeadLetters(name),
    rewriteDeadLetters: (name, edit) => queue.rewriteDeadLetters(name, edit),
    ping: () => queue.ping(),
    close: async () => {
      live.delete(queue);
      await queue.close();
    },
  };
}
