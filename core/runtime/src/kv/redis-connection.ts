import { createHash } from "node:crypto";
import { AppError } from "@varai/schema";
import { Redis } from "ioredis";
import type { Logger } from "../ports/logger.ts";

/** A Redis connection the adapter was given (the caller closes it) or opened from a URL (the adapter closes it). */
export interface RedisHandle {
  redis: Redis;
  owned: boolean;
}

export function openRedis(redis: Redis | string, logger: Logger): RedisHandle {
  if (typeof redis !== "string") return { redis, owned: false };
  const client = new Redis(redis, { maxRetriesPerRequest: 3 });
  watchErrors(client, logger);
  return { redis: client, owned: true };
}

/**
 * ioredis prints "Unhandled error event" for every failed reconnect unless someone listens;
 * commands still reject on their own, so a warning is all the event is worth.
 */
export function watchErrors(client: Redis, logger: Logger): void {
  client.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "redis connection error"));
}

/** QUIT politely, but never hang when the server is gone. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  await Promise.race([client.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
  client.disconnect();
}

/** A Lua script run by EVALSHA, falling back to EVAL once after a restart or SCRIPT FLUSH. */
export function luaScript(source: string) {
  const sha = createHash("sha1").update(source).digest("hex");
  return async (client: Redis, keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
        return client.eval(source, keys.length, ...keys, ...args);
      }
      throw error;
    }
  };
}

/** SCAN MATCH treats these as glob syntax; a tenant prefix must match literally. */
export function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, "\\$&");
}

/** TTLs are whole milliseconds > 0 so nothing lives forever by accident (and PX accepts them). */
export function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new AppError("INVALID_INPUT", `ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

export function serialise(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new AppError("INVALID_INPUT", "Cache values must be JSON-serialisable (not undefined)");
  return json;
}
