import { randomUUID } from "node:crypto";
import { AppError } from "@varai/schema";
import { type Clock, type Logger, noopLogger, systemClock } from "../ports/logger.ts";
import type { Consumer, DeadLetter, DeadLetterEdit, Job, Queue } from "../ports/queue.ts";
import { backoffDelay, errorMessage, resolveConsumeOptions } from "./queue-shared.ts";

export interface MemoryQueueOptions {
  clock?: Clock;
  logger?: Logger;
  /** Jobs (waiting + delayed + in flight) one queue holds before enqueue refuses with OVERLOADED. Default 100 000. */
  maxJobsPerQueue?: number;
  /** Dead letters kept per queue; the oldest are dropped. Default 10 000. */
  maxDeadLetters?: number;
}

/**
 * A job as held here: its payload as JSON text, like a Redis stream entry. Serialising once at
 * enqueue and parsing once per delivery gives each delivery its own copy (and refuses what Redis
 * would refuse) at half the cost of a JSON round trip plus a structured clone, and a waiting job is
 * one string for the garbage collector instead of a graph of objects.
 */
interface StoredJob {
  id: string;
  queue: string;
  json: string;
  attempt: number;
  enqueuedAt: string;
}

const toJob = <T>(stored: StoredJob): Job<T> => ({
  id: stored.id,
  queue: stored.queue,
  payload: JSON.parse(stored.json) as T,
  attempt: stored.attempt,
  enqueuedAt: stored.enqueuedAt,
});

/**
 * FIFO of ready jobs. `Array#shift` copies the whole array once it is too large to be trimmed in
 * place (tens of thousands of jobs after a burst), so the head moves by index instead.
 */
class ReadyList {
  private items: StoredJob[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(job: StoredJob): void {
    this.items.push(job);
  }
  shift(): StoredJob | undefined {
    if (this.head >= this.items.length) return undefined;
    const job = this.items[this.head];
    this.items[this.head++] = undefined as never;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return job;
  }
}

interface QueueState {
  ready: ReadyList;
  delayed: Set<NodeJS.Timeout>;
  inFlight: number;
  dead: Array<{ job: StoredJob; error: string; failedAt: string }>;
  /** Wakes every consumer of the queue when a job becomes ready. */
  listeners: Set<() => void>;
}

/**
 * In-process Queue with the semantics of the Redis one (at-least-once, retries with
 * exponential backoff, dead letters, delays, concurrency, depth), so tests on the default
 * install behave like production. Jobs live in memory: a process exit loses them, which is
 * why production uses Redis. `visibilityTimeoutMs` has nothing to do here: no other process
 * shares the queue, and a live handler keeps its job until it settles.
 */
export function createMemoryQueue(options: MemoryQueueOptions = {}): Queue {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const maxJobs = options.maxJobsPerQueue ?? 100_000;
  const maxDead = options.maxDeadLetters ?? 10_000;
  const queues = new Map<string, QueueState>();
  const consumers = new Set<Consumer>();
  let closed = false;

  const stateOf = (name: string) => {
    let state = queues.get(name);
    if (!state) {
      state = { ready: new ReadyList(), delayed: new Set(), inFlight: 0, dead: [], listeners: new Set() };
      queues.set(name, state);
    }
    return state;
  };
  const depthOf = (state: QueueState) => state.ready.length + state.delayed.size + state.inFlight;

  const makeReady = (state: QueueState, job: StoredJob) => {
    state.ready.push(job);
    for (const wake of state.listeners) wake();
  };

  const schedule = (state: QueueState, job: StoredJob, delayMs: number) => {
    if (delayMs <= 0) return makeReady(state, job);
    const timer = setTimeout(() => {
      state.delayed.delete(timer);
      makeReady(state, job);
    }, delayMs);
    // A pending retry must not keep a process (or a test worker) alive on its own.
    timer.unref();
    state.delayed.add(timer);
  };

  const assertOpen = () => {
    if (closed) throw new AppError("INTERNAL", "Queue is closed", { expose: false });
  };

  return {
    kind: "memory",
    async enqueue(queue, payload, enqueueOptions = {}) {
      assertOpen();
      const state = stateOf(queue);
      if (depthOf(state) >= maxJobs) {
        throw new AppError("OVERLOADED", `Queue ${queue} holds ${maxJobs} jobs; try again later`);
      }
      // Stored as JSON like Redis does, so a payload that would not survive Redis fails here too.
      const job: StoredJob = {
        id: enqueueOptions.id ?? randomUUID(),
        queue,
        json: JSON.stringify(payload ?? null),
        attempt: 1,
        enqueuedAt: clock().toISOString(),
      };
      schedule(state, job, enqueueOptions.delayMs ?? 0);
      return job.id;
    },

    consume<T>(queue: string, handler: (job: Job<T>) => Promise<void>, consumeOptions = {}) {
      assertOpen();
      const { concurrency, maxAttempts, backoffMs } = resolveConsumeOptions(consumeOptions);
      const state = stateOf(queue);
      const log = logger.child({ queue });
      let running = true;
      let active = 0;
      const settled = new Set<() => void>();

      const finish = (job: StoredJob, error: unknown) => {
        if (error === undefined) return;
        const message = errorMessage(error);
        if (job.attempt >= maxAttempts) {
          state.dead.push({ job, error: message, failedAt: clock().toISOString() });
          if (state.dead.length > maxDead) state.dead.shift();
          log.error({ jobId: job.id, attempt: job.attempt, error: message }, "job dead-lettered");
          return;
        }
        const delay = backoffDelay(backoffMs, job.attempt);
        log.warn({ jobId: job.id, attempt: job.attempt, retryInMs: delay, error: message }, "job failed; retrying");
        schedule(state, { ...job, attempt: job.attempt + 1 }, delay);
      };

      const pump = () => {
        while (running && active < concurrency && state.ready.length > 0) {
          const job = state.ready.shift()!;
          active++;
          state.inFlight++;
          Promise.resolve()
            // Each delivery parses its own copy, as it would from Redis (and off the enqueuer's path).
            .then(() => handler(toJob<T>(job)))
            .then(
              () => finish(job, undefined),
              (error: unknown) => finish(job, error ?? new Error("handler rejected")),
            )
            .finally(() => {
              active--;
              state.inFlight--;
              for (const done of [...settled]) {
                settled.delete(done);
                done();
              }
              pump();
            });
        }
      };

      state.listeners.add(pump);
      queueMicrotask(pump);

      const consumer: Consumer = {
        async stop() {
          running = false;
          state.listeners.delete(pump);
          consumers.delete(consumer);
          while (active > 0) await new Promise<void>((resolve) => settled.add(resolve));
        },
      };
      consumers.add(consumer);
      return consumer;
    },

    async depth(queue) {
      return depthOf(stateOf(queue));
    },

    async deadLetters<T>(queue: string, limit = 100) {
      return stateOf(queue)
        .dead.slice(0, limit)
        .map(
          (letter): DeadLetter<T> => ({ job: toJob<T>(letter.job), error: letter.error, failedAt: letter.failedAt }),
        );
    },

    async requeueDeadLetters(queue) {
      const state = stateOf(queue);
      const dead = state.dead.splice(0);
      for (const letter of dead) makeReady(state, { ...letter.job, attempt: 1 });
      return dead.length;
    },

    async rewriteDeadLetters<T>(queue: string, edit: DeadLetterEdit<T>) {
      const state = stateOf(queue);
      let changed = 0;
      // Synchronous from here on: no delivery, requeue or trim can interleave, so each edit is atomic.
      const kept: QueueState["dead"] = [];
      for (const letter of state.dead) {
        const parsed: DeadLetter<T> = { job: toJob<T>(letter.job), error: letter.error, failedAt: letter.failedAt };
        const next = edit(parsed.job.payload, parsed);
        if (next === undefined) {
          kept.push(letter);
          continue;
        }
        changed++;
        if (next !== null) kept.push({ ...letter, job: { ...letter.job, json: JSON.stringify(next) } });
      }
      state.dead = kept;
      return changed;
    },

    async ping() {
      assertOpen();
    },

    async close() {
      closed = true;
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      for (const state of queues.values()) for (const timer of state.delayed) clearTimeout(timer);
      queues.clear();
    },
  };
}
