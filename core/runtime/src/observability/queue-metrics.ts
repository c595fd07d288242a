import { Gauge } from "prom-client";
import type { ConsumeOptions, DeadLetter, DeadLetterEdit, Job, Queue } from "../ports/queue.ts";
import { metrics, metricsRegistry } from "./metrics.ts";
import { context, endSpan, extractContext, injectContext, SpanKind, trace, tracer, tracingEnabled } from "./tracing.ts";

/**
 * A job enqueued inside a trace carries the trace context beside its payload, so the worker's
 * span continues the trace. Jobs enqueued with tracing off are stored exactly as before, and a
 * consumer unwraps either form: handlers and dead-letter tools only ever see the payload.
 */
const TRACED = "varai.traced";
interface TracedPayload {
  [TRACED]: { carrier: Record<string, string>; payload: unknown };
}
const isTraced = (value: unknown): value is TracedPayload =>
  typeof value === "object" && value !== null && TRACED in value;
const unwrap = (value: unknown): { payload: unknown; carrier: Record<string, string> | null } =>
  isTraced(value)
    ? { payload: value[TRACED].payload, carrier: value[TRACED].carrier }
    : { payload: value, carrier: null };
const unwrapLetter = <T>(letter: DeadLetter<T>): DeadLetter<T> => ({
  ...letter,
  job: { ...letter.job, payload: unwrap(letter.job.payload).payload as T },
});

/** Enqueues inside a PRODUCER span whose context travels with the job. */
async function tracedEnqueue(queue: Queue, name: string, payload: unknown, options: Parameters<Queue["enqueue"]>[2]) {
  const span = tracer().startSpan(`queue ${name} send`, {
    kind: SpanKind.PRODUCER,
    attributes: { "messaging.destination.name": name },
  });
  try {
    const carrier = injectContext({}, span);
    const id = await queue.enqueue(name, { [TRACED]: { carrier, payload } }, options);
    endSpan(span);
    return id;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/** Runs a delivery inside a CONSUMER span continuing the producer's trace (when the job carries one). */
async function tracedDelivery(
  name: string,
  carrier: Record<string, string> | null,
  attempt: number,
  run: () => Promise<void>,
) {
  if (!carrier || !tracingEnabled()) return run();
  const parent = extractContext(carrier);
  const span = tracer().startSpan(
    `queue ${name} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { "messaging.destination.name": name, "messaging.delivery.attempt": attempt },
    },
    parent,
  );
  try {
    await context.with(trace.setSpan(parent, span), run);
    endSpan(span);
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

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
      const active = trace.getActiveSpan();
      const id =
        tracingEnabled() && active
          ? await tracedEnqueue(queue, name, payload, options)
          : await queue.enqueue(name, payload, options);
      metrics.queueJobs.inc({ queue: name, outcome: "enqueued" });
      return id;
    },
    consume: <T>(name: string, handler: (job: Job<T>) => Promise<void>, options?: ConsumeOptions) => {
      names.add(name);
      const maxAttempts = options?.maxAttempts ?? 5;
      return queue.consume(
        name,
        async (stored: Job<T>) => {
          metrics.queueLag.observe({ queue: name }, Math.max(0, Date.now() - Date.parse(stored.enqueuedAt)) / 1000);
          const { payload, carrier } = unwrap(stored.payload);
          const job = { ...stored, payload: payload as T };
          try {
            await tracedDelivery(name, carrier, job.attempt, () => handler(job));
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
    deadLetters: async <T>(name: string, limit?: number) => (await queue.deadLetters<T>(name, limit)).map(unwrapLetter),
    requeueDeadLetters: (name) => queue.requeueDeadLetters(name),
    // The edit sees the payload; a traced letter keeps its carrier around the edited payload.
    rewriteDeadLetters: <T>(name: string, edit: DeadLetterEdit<T>) =>
      queue.rewriteDeadLetters<unknown>(name, (stored, letter) => {
        const { payload, carrier } = unwrap(stored);
        const edited = edit(payload as T, unwrapLetter(letter as DeadLetter<T>));
        if (edited === undefined || edited === null || !carrier) return edited;
        return { [TRACED]: { carrier, payload: edited } };
      }),
    ping: () => queue.ping(),
    close: async () => {
      live.delete(queue);
      await queue.close();
    },
  };
}
