import { AppError } from "@varai/schema";
import type { Cache } from "../ports/cache.ts";
import { type Clock, systemClock } from "../ports/logger.ts";
import { checkTtl, serialise } from "./redis-connection.ts";

export interface MemoryCacheOptions {
  /** Entries kept at most; the least recently used go first (1 % at a time). Default 10 000. */
  maxEntries?: number;
  clock?: Clock;
}

/**
 * In-process Cache for the single-process install and tests. Values are stored as JSON
 * strings, like Redis, so a caller mutating what it got back cannot change the cache.
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = () => (options.clock ?? systemClock)().getTime();
  // Map keeps insertion order: re-inserting on read makes the first key the least recently used.
  const entries = new Map<string, { json: string; expiresAt: number }>();

  const live = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  };

  // Over the cap, the least recently used 1 % go in one pass. One at a time, every insert
  // started a fresh iterator, which walks the slots deleted at the Map's head until V8 compacts
  // it: with a full cache (the webhook dedupe keys) that walk grew with every delivery.
  const evictBatch = Math.max(1, Math.ceil(maxEntries / 100));
  const store = (key: string, json: string, expiresAt: number) => {
    entries.delete(key);
    entries.set(key, { json, expiresAt });
    if (entries.size <= maxEntries) return;
    for (const oldest of entries.keys()) {
      entries.delete(oldest);
      if (entries.size <= maxEntries + 1 - evictBatch) break;
    }
  };

  return {
    kind: "memory",
    async get<T>(key: string) {
      const entry = live(key);
      return entry ? (JSON.parse(entry.json) as T) : null;
    },
    async set(key, value, ttlMs) {
      store(key, serialise(value), now() + checkTtl(ttlMs));
    },
    async setIfAbsent(key, value, ttlMs) {
      const json = serialise(value);
      const ttl = checkTtl(ttlMs);
      if (live(key)) return false;
      store(key, json, now() + ttl);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async deleteByPrefix(prefix) {
      let deleted = 0;
      const at = now();
      for (const [key, entry] of entries) {
        if (!key.startsWith(prefix)) continue;
        entries.delete(key);
        if (entry.expiresAt > at) deleted++;
      }
      return deleted;
    },
    async increment(key, by, ttlMs) {
      const ttl = checkTtl(ttlMs);
      if (!Number.isInteger(by)) throw new AppError("INVALID_INPUT", "increment takes an integer");
      const entry = live(key);
      const current = entry ? (JSON.parse(entry.json) as unknown) : 0;
      if (!Number.isInteger(current)) throw new AppError("CONFLICT", `Cache key ${key} does not hold an integer`);
      const next = (current as number) + by;
      store(key, String(next), entry ? entry.expiresAt : now() + ttl);
      return next;
    },
    async ping() {},
    async close() {
      entries.clear();
    },
  };
}
