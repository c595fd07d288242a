import { AppError } from "@varai/schema";
import type { Redis } from "ioredis";
import type { Cache } from "../ports/cache.ts";
import { type Logger, noopLogger } from "../ports/logger.ts";
import { checkTtl, closeRedis, escapeGlob, luaScript, openRedis, serialise } from "./redis-connection.ts";

export interface RedisCacheOptions {
  /** A connection (the caller closes it) or a URL (the cache opens and closes its own). */
  redis: Redis | string;
  /** Default `varai:cache:`. */
  keyPrefix?: string;
  logger?: Logger;
}

// The TTL is set only when the key has none, i.e. on the first increment of a window.
const incrementScript = luaScript(`
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`);

export function createRedisCache(options: RedisCacheOptions): Cache {
  const { redis, owned } = openRedis(options.redis, options.logger ?? noopLogger);
  const prefix = options.keyPrefix ?? "varai:cache:";

  return {
    kind: "redis",
    async get<T>(key: string) {
      const json = await redis.get(prefix + key);
      return json === null ? null : (JSON.parse(json) as T);
    },
    async set(key, value, ttlMs) {
      await redis.set(prefix + key, serialise(value), "PX", checkTtl(ttlMs));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(prefix + key, serialise(value), "PX", checkTtl(ttlMs), "NX")) === "OK";
    },
    async delete(key) {
      await redis.unlink(prefix + key);
    },
    async deleteByPrefix(keyPrefix) {
      // SCAN, never KEYS: KEYS blocks the server for every client while it walks the keyspace.
      let deleted = 0;
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${escapeGlob(prefix + keyPrefix)}*`, "COUNT", 500);
        cursor = next;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== "0");
      return deleted;
    },
    async increment(key, by, ttlMs) {
      const ttl = checkTtl(ttlMs);
      if (!Number.isInteger(by)) throw new AppError("INVALID_INPUT", "increment takes an integer");
      try {
        return Number(await incrementScript(redis, [prefix + key], [by, ttl]));
      } catch (error) {
        if (error instanceof Error && error.message.includes("not an integer")) {
          throw new AppError("CONFLICT", `Cache key ${key} does not hold an integer`, { cause: error });
        }
        throw error;
      }
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      if (owned) await closeRedis(redis);
    },
  };
}
