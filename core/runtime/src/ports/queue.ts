/**
 * Queue: durable at-least-once job delivery with retries, exponential backoff and a
 * dead-letter list. Redis Streams with a consumer group per queue (entries a dead consumer left
 * pending are re-claimed after `visibilityTimeoutMs`); the embedded default keeps jobs in the
 * SQLite file under DATA_DIR (a dead consumer's lease runs out after its `visibilityTimeoutMs`).
 * Both are durable: `enqueue` resolves once the job is committed. The in-process queue (unit
 * tests) is not. Handlers must be idempotent; every job carries a stable `id`.
 */
export interface Job<T = unknown> {
  id: string;
  queue: string;
  payload: T;
  /** 1 on the first delivery. */
  attempt: number;
  enqueuedAt: string;
}

export interface EnqueueOptions {
  /** Stable id for idempotency; defaults to a random one. */
  id?: string;
  /** Do not deliver before this many ms. */
  delayMs?: number;
}

export interface ConsumeOptions {
  /** Jobs handled at once by this consumer. Default 1. */
  concurrency?: number;
  /** Attempts before a job goes to the dead-letter list. Default 5. */
  maxAttempts?: number;
  /** Backoff base: attempt n waits base * 2^(n-1), capped at 60 s. Default 500 ms. */
  backoffMs?: number;
  /** A job not acknowledged within this time is handed to another consumer. Default 30 s. */
  visibilityTimeoutMs?: number;
  /** Consumer name within the group; defaults to a unique one per process. */
  consumerName?: string;
}

export interface DeadLetter<T = unknown> {
  job: Job<T>;
  error: string;
  failedAt: string;
}

/**
 * What `rewriteDeadLetters` does with one dead letter's payload: `undefined` keeps it as it is,
 * `null` deletes the dead letter, anything else replaces its payload (same id, attempt, error).
 */
export type DeadLetterEdit<T = unknown> = (payload: T, letter: DeadLetter<T>) => T | null | undefined;

export interface Consumer {
  /** Stops taking new jobs and waits for those in flight. */
  stop(): Promise<void>;
}

export interface Queue {
  readonly kind: "redis" | "sqlite" | "memory";
  enqueue<T>(queue: string, payload: T, options?: EnqueueOptions): Promise<string>;
  /**
   * Starts consuming. A handler that resolves acknowledges the job; one that throws
   * schedules a retry with backoff, and after `maxAttempts` the job is dead-lettered.
   */
  consume<T>(queue: string, handler: (job: Job<T>) => Promise<void>, options?: ConsumeOptions): Consumer;
  /** Jobs waiting or in flight (for backpressure: producers refuse work above a limit). */
  depth(queue: string): Promise<number>;
  deadLetters<T = unknown>(queue: string, limit?: number): Promise<DeadLetter<T>[]>;
  /** Moves dead letters back onto the queue with their attempt count reset. Returns how many. */
  requeueDeadLetters(queue: string): Promise<number>;
  /**
   * Walks every dead letter of `queue` and applies `edit` to each (privacy: a redaction removes
   * a shopper's data from jobs that failed every retry). Each letter is changed atomically: a
   * letter requeued, trimmed or rewritten by someone else meanwhile is left alone (never
   * resurrected). Returns how many letters were replaced or deleted. Order may change on Redis
   * (a replaced letter becomes the newest entry of the dead-letter stream).
   */
  rewriteDeadLetters<T = unknown>(queue: string, edit: DeadLetterEdit<T>): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
