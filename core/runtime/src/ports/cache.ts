/**
 * Cache: small JSON values with a TTL, shared by every process of a deployment in
 * production (Redis) and in-process by default. Also the home of dedupe keys:
 * `setIfAbsent` is atomic, so two deliveries of one webhook cannot both win.
 */
export interface Cache {
  readonly kind: "redis" | "memory";
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores a JSON-serialisable value; `ttlMs` is required so nothing lives forever by accident. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Atomically stores the value only when the key is absent. True when this call stored it. */
  setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes every key that starts with the prefix (used for per-tenant invalidation). */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Atomic counter with a TTL set on first increment. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
