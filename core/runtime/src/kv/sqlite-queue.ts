import { randomUUID } from "node:crypto";
import { AppError } from "@varai/schema";
import { type Clock, type Logger, noopLogger, systemClock } from "../ports/logger.ts";
import type { ConsumeOptions, Consumer, DeadLetter, DeadLetterEdit, Job, Queue } from "../ports/queue.ts";
import { openSqlite, type SqliteOptions } from "../sqlite/database.ts";
import { backoffDelay, errorMessage, resolveConsumeOptions } from "./queue-shared.ts";

export interface SqliteQueueOptions extends SqliteOptions {
  /** The SQLite database file (the gateway's `<DATA_DIR>/varai.sqlite`, shared with the store); null = in memory (tests). */
  file: string | null;
  logger?: Logger;
  clock?: Clock;
  /**
   * How often an idle consumer looks for jobs another process enqueued (jobs enqueued through this
   * queue wake its consumers at once). Default 200 ms.
   */
  pollMs?: number;
  /** Dead letters kept per queue; the oldest are dropped. Default 10 000. */
  maxDeadLetters?: number;
}

/**
 * One row per job, waiting, delayed or in flight. `available_at` is when it may next be claimed:
 * its due time while it waits, its lease expiry while a consumer holds it. `deliveries` counts
 * the claims and is the lease token: a consumer settles a job only while the row still carries
 * the count it claimed it with, so a consumer that lost its lease (it looked dead) changes nothing.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS _varai_jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  job_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  enqueued_at TEXT NOT NULL,
  available_at INTEGER NOT NULL,
  claimed_by TEXT,
  deliveries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS _varai_jobs_available ON _varai_jobs (queue, available_at);
CREATE TABLE IF NOT EXISTS _varai_dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  job_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  enqueued_at TEXT NOT NULL,
  error TEXT NOT NULL,
  failed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS _varai_dead_letters_queue ON _varai_dead_letters (queue, seq);
`;

interface ClaimedRow {
  seq: number;
  job_id: string;
  payload: string;
  attempt: number;
  enqueued_at: string;
  deliveries: number;
}

interface DeadLetterRow {
  seq: number;
  job_id: string;
  payload: string;
  attempt: number;
  enqueued_at: string;
  error: string;
  failed_at: string;
}

const letterOf = <T>(queue: string, row: DeadLetterRow): DeadLetter<T> => ({
  job: {
    id: row.job_id,
    queue,
    payload: JSON.parse(row.payload) as T,
    attempt: row.attempt,
    enqueuedAt: row.enqueued_at,
  },
  error: row.error,
  failedAt: row.failed_at,
});

interface PendingWrite {
  run: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Durable Queue in the embedded SQLite file (ADR 0004), with the Redis queue's semantics:
 * at-least-once delivery, retries with exponential backoff, dead letters, delays, a visibility
 * timeout kept alive by heartbeats, re-claim of a dead consumer's jobs, and several processes
 * sharing one file (claims are one `UPDATE ... RETURNING`, so each job goes to one consumer).
 *
 * Acknowledged means committed: `enqueue` resolves only once its job is in a committed
 * transaction. Group commit keeps that cheap: the enqueues (and acks) that arrive within one turn
 * of the event loop are written in one transaction, flushed on `setImmediate`.
 */
export function createSqliteQueue(options: SqliteQueueOptions): Queue {
  const logger = options.logger ?? noopLogger;
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 200;
  const maxDead = options.maxDeadLetters ?? 10_000;
  const sqlite = openSqlite(options.file, options);
  const { statement, transaction } = sqlite;
  sqlite.db.exec(SCHEMA);
  const consumers = new Set<Consumer>();
  /** Wakes this process's consumers of a queue when a job was committed for it. */
  const listeners = new Map<string, Set<() => void>>();
  let pending: PendingWrite[] = [];
  let flushScheduled = false;
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new AppError("INTERNAL", "Queue is closed", { expose: false });
  };

  const wake = (queue: string) => {
    for (const listener of listeners.get(queue) ?? []) listener();
  };

  function flush(): void {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      transaction(() => {
        for (const write of batch) write.run();
      });
    } catch (error) {
      // One bad write must not fail the others: retry them one by one.
      for (const write of batch) {
        try {
          transaction(write.run);
          write.resolve();
        } catch (own) {
          write.reject(own ?? error);
        }
      }
      return;
    }
    for (const write of batch) write.resolve();
  }

  /** Queues a write for the next group commit; resolves once it is committed. */
  function commit(run: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      pending.push({ run, resolve, reject });
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  }

  const insertJob = (queue: string, id: string, payload: string, attempt: number, enqueuedAt: string, at: number) =>
    statement(
      "INSERT INTO _varai_jobs (queue, job_id, payload, attempt, enqueued_at, available_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(queue, id, payload, attempt, enqueuedAt, at);

  function deadLetter(queue: string, row: ClaimedRow, attempt: number, message: string): void {
    const removed = statement("DELETE FROM _varai_jobs WHERE seq = ? AND deliveries = ?").run(row.seq, row.deliveries);
    if (removed.changes === 0) return;
    statement(
      "INSERT INTO _varai_dead_letters (queue, job_id, payload, attempt, enqueued_at, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).run(queue, row.job_id, row.payload, attempt, row.enqueued_at, message, clock().toISOString());
    statement(
      "DELETE FROM _varai_dead_letters WHERE queue = ? AND seq <= (SELECT seq FROM _varai_dead_letters WHERE queue = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
    ).run(queue, queue, maxDead);
  }

  function consume<T>(queue: string, handler: (job: Job<T>) => Promise<void>, consumeOptions?: ConsumeOptions) {
    assertOpen();
    const { concurrency, maxAttempts, backoffMs, visibilityTimeoutMs, consumerName } =
      resolveConsumeOptions(consumeOptions);
    const log = logger.child({ queue, consumer: consumerName });
    const inFlight = new Map<number, ClaimedRow>();
    const idle = new Set<() => void>();
    let running = true;
    let timer: NodeJS.Timeout | null = null;
    let pumping = false;

    const claim = (count: number): ClaimedRow[] => {
      const now = Date.now();
      // A read first: an UPDATE takes the file's write lock even when it matches nothing, and idle
      // consumers of several processes would then queue behind each other on every poll.
      const due = statement("SELECT 1 FROM _varai_jobs WHERE queue = ? AND available_at <= ? LIMIT 1").get(queue, now);
      if (!due) return [];
      // A row claimed before (claimed_by set) whose lease ran out: its consumer died, which counts as an attempt.
      return statement(
        `UPDATE _varai_jobs SET claimed_by = ?, available_at = ?, deliveries = deliveries + 1,
           attempt = attempt + (claimed_by IS NOT NULL)
         WHERE seq IN (SELECT seq FROM _varai_jobs WHERE queue = ? AND available_at <= ? ORDER BY available_at LIMIT ?)
         RETURNING seq, job_id, payload, attempt, enqueued_at, deliveries`,
      ).all(consumerName, now + visibilityTimeoutMs, queue, now, count) as unknown as ClaimedRow[];
    };

    const settle = (row: ClaimedRow, error: unknown): Promise<void> => {
      if (error === undefined) {
        return commit(() => {
          statement("DELETE FROM _varai_jobs WHERE seq = ? AND deliveries = ?").run(row.seq, row.deliveries);
        });
      }
      const message = errorMessage(error);
      if (row.attempt >= maxAttempts) {
        log.error({ jobId: row.job_id, attempt: row.attempt, error: message }, "job dead-lettered");
        return commit(() => deadLetter(queue, row, row.attempt, message));
      }
      const delay = backoffDelay(backoffMs, row.attempt);
      log.warn({ jobId: row.job_id, attempt: row.attempt, retryInMs: delay, error: message }, "job failed; retrying");
      return commit(() => {
        statement(
          "UPDATE _varai_jobs SET claimed_by = NULL, attempt = attempt + 1, available_at = ? WHERE seq = ? AND deliveries = ?",
        ).run(Date.now() + delay, row.seq, row.deliveries);
      });
    };

    const dispatch = (row: ClaimedRow) => {
      if (row.attempt > maxAttempts) {
        // Re-claimed from consumers that died on it maxAttempts times: it may be what kills them.
        log.error({ jobId: row.job_id, attempt: row.attempt - 1 }, "job dead-lettered after its consumers died");
        void commit(() => deadLetter(queue, row, row.attempt - 1, "consumer died while handling the job")).catch(
          (error: unknown) => log.error({ error: errorMessage(error) }, "could not dead-letter job"),
        );
        return;
      }
      inFlight.set(row.seq, row);
      const job: Job<T> = {
        id: row.job_id,
        queue,
        payload: JSON.parse(row.payload) as T,
        attempt: row.attempt,
        enqueuedAt: row.enqueued_at,
      };
      Promise.resolve()
        .then(() => handler(job))
        .then(
          () => undefined,
          (error: unknown) => error ?? new Error("handler rejected"),
        )
        .then((error) => settle(row, error))
        .catch((error: unknown) => {
          // The row keeps its lease and is claimed again once it runs out: at-least-once.
          log.error({ jobId: row.job_id, error: errorMessage(error) }, "could not settle job");
        })
        .finally(() => {
          inFlight.delete(row.seq);
          for (const done of [...idle]) {
            idle.delete(done);
            done();
          }
          schedule(0);
        });
    };

    const pump = () => {
      timer = null;
      if (!running || closed || pumping) return;
      pumping = true;
      try {
        while (running && inFlight.size < concurrency) {
          const rows = claim(concurrency - inFlight.size);
          if (rows.length === 0) break;
          for (const row of rows) dispatch(row);
        }
        if (running && inFlight.size < concurrency) {
          // Sleep until the next delayed job or lease expiry is due, and look again at least every pollMs.
          const next = statement("SELECT min(available_at) AS at FROM _varai_jobs WHERE queue = ?").get(queue) as {
            at: number | null;
          };
          schedule(next.at === null ? pollMs : Math.min(pollMs, Math.max(1, next.at - Date.now())));
        }
      } catch (error) {
        log.warn({ error: errorMessage(error) }, "claiming jobs failed; retrying");
        schedule(pollMs);
      } finally {
        pumping = false;
      }
    };

    let immediate: NodeJS.Immediate | null = null;
    let timerDue = Number.POSITIVE_INFINITY;
    /**
     * 0: on the next turn of the event loop (a slot just freed up and jobs may be waiting:
     * setTimeout(0) waits at least 1 ms, which with a handful of jobs in flight capped a consumer
     * at a few thousand jobs a second). Otherwise in `ms`, unless a pump is due sooner.
     */
    function schedule(ms: number) {
      if (!running) return;
      if (ms <= 0) {
        if (timer) {
          clearTimeout(timer);
          timer = null;
          timerDue = Number.POSITIVE_INFINITY;
        }
        if (!immediate)
          immediate = setImmediate(() => {
            immediate = null;
            pump();
          });
        return;
      }
      if (immediate) return;
      const due = Date.now() + ms;
      if (timer && timerDue <= due) return;
      if (timer) clearTimeout(timer);
      timerDue = due;
      timer = setTimeout(() => {
        timerDue = Number.POSITIVE_INFINITY;
        pump();
      }, ms);
      timer.unref();
    }

    // A millisecond's grace: the enqueues of that millisecond are claimed together (fewer claim transactions).
    const onEnqueued = () => schedule(1);
    let queueListeners = listeners.get(queue);
    if (!queueListeners) {
      queueListeners = new Set();
      listeners.set(queue, queueListeners);
    }
    queueListeners.add(onEnqueued);
    schedule(0);

    // Lease renewal: a live consumer with a slow handler keeps its jobs.
    const heartbeat = setInterval(
      () => {
        if (inFlight.size === 0) return;
        try {
          const until = Date.now() + visibilityTimeoutMs;
          transaction(() => {
            const renew = statement("UPDATE _varai_jobs SET available_at = ? WHERE seq = ? AND deliveries = ?");
            for (const row of inFlight.values()) renew.run(until, row.seq, row.deliveries);
          });
        } catch (error) {
          log.warn({ error: errorMessage(error) }, "could not extend job leases");
        }
      },
      Math.max(10, Math.floor(visibilityTimeoutMs / 3)),
    );
    heartbeat.unref();

    let stopping: Promise<void> | null = null;
    const consumer: Consumer = {
      stop() {
        stopping ??= (async () => {
          running = false;
          if (timer) clearTimeout(timer);
          if (immediate) clearImmediate(immediate);
          queueListeners.delete(onEnqueued);
          while (inFlight.size > 0) await new Promise<void>((resolve) => idle.add(resolve));
          clearInterval(heartbeat);
          consumers.delete(consumer);
        })();
        return stopping;
      },
    };
    consumers.add(consumer);
    return consumer;
  }

  return {
    kind: "sqlite",
    async enqueue(queue, payload, enqueueOptions = {}) {
      assertOpen();
      const id = enqueueOptions.id ?? randomUUID();
      // Serialised now, so a payload JSON cannot hold fails this call alone.
      const json = JSON.stringify(payload ?? null);
      const enqueuedAt = clock().toISOString();
      const at = Date.now() + Math.max(0, enqueueOptions.delayMs ?? 0);
      await commit(() => insertJob(queue, id, json, 1, enqueuedAt, at));
      wake(queue);
      return id;
    },
    consume,
    async depth(queue) {
      assertOpen();
      return (statement("SELECT count(*) AS n FROM _varai_jobs WHERE queue = ?").get(queue) as { n: number }).n;
    },
    async deadLetters<T>(queue: string, limit = 100) {
      assertOpen();
      const rows = statement(
        "SELECT seq, job_id, payload, attempt, enqueued_at, error, failed_at FROM _varai_dead_letters WHERE queue = ? ORDER BY seq LIMIT ?",
      ).all(queue, limit) as unknown as DeadLetterRow[];
      return rows.map((row) => letterOf<T>(queue, row));
    },
    async requeueDeadLetters(queue) {
      assertOpen();
      const moved = transaction(() => {
        const now = Date.now();
        const rows = statement(
          "DELETE FROM _varai_dead_letters WHERE queue = ? RETURNING job_id, payload, enqueued_at",
        ).all(queue) as unknown as Array<{ job_id: string; payload: string; enqueued_at: string }>;
        for (const row of rows) insertJob(queue, row.job_id, row.payload, 1, row.enqueued_at, now);
        return rows.length;
      });
      if (moved > 0) wake(queue);
      return moved;
    },
    async rewriteDeadLetters<T>(queue: string, edit: DeadLetterEdit<T>) {
      assertOpen();
      // Dead letters still waiting in the group commit are written first, so the walk sees them.
      flush();
      // One transaction: a consumer in another process cannot requeue or trim a letter mid-edit.
      return transaction(() => {
        let changed = 0;
        const rows = statement(
          "SELECT seq, job_id, payload, attempt, enqueued_at, error, failed_at FROM _varai_dead_letters WHERE queue = ? ORDER BY seq",
        ).all(queue) as unknown as DeadLetterRow[];
        for (const row of rows) {
          const letter = letterOf<T>(queue, row);
          const next = edit(letter.job.payload, letter);
          if (next === undefined) continue;
          changed++;
          if (next === null) statement("DELETE FROM _varai_dead_letters WHERE seq = ?").run(row.seq);
          else statement("UPDATE _varai_dead_letters SET payload = ? WHERE seq = ?").run(JSON.stringify(next), row.seq);
        }
        return changed;
      });
    },
    async ping() {
      assertOpen();
      statement("SELECT 1").get();
    },
    async close() {
      if (closed) return;
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      flush();
      closed = true;
      sqlite.close();
    },
  };
}
