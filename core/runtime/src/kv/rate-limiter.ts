import { AppError } from "@varai/schema";
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { type Logger, noopLogger } from "../ports/logger.ts";
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from "../ports/rate-limiter.ts";
import { closeRedis, openRedis } from "./redis-connection.ts";

export interface RedisRateLimiterOptions {
  /** A connection (the caller closes it) or a URL (the limiter opens it; `close()` quits it). */
  redis: Redis | string;
  /** Default `varai:rl`. */
  keyPrefix?: string;
  logger?: Logger;
}

/** In-process limiter (RateLimiterMemory): counts are per process, lost on restart. */
export function createMemoryRateLimiter(): RateLimiter {
  const limiter = createFlexibleLimiter(
    "memory",
    (policy, settings) => new RateLimiterMemory({ ...settings, keyPrefix: policy.name }),
  );
  return { ...limiter, async close() {} };
}

/** Shared limiter (RateLimiterRedis): every process of a deployment spends one budget per key. */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, owned } = openRedis(options.redis, options.logger ?? noopLogger);
  const prefix = options.keyPrefix ?? "varai:rl";
  const limiter = createFlexibleLimiter(
    "redis",
    (policy, settings) =>
      new RateLimiterRedis({ ...settings, storeClient: redis, keyPrefix: `${prefix}:${policy.name}` }),
  );
  return {
    ...limiter,
    async close() {
      if (owned) await closeRedis(redis);
    },
  };
}

interface LimiterSettings {
  points: number;
  duration: number;
  blockDuration: number;
}

function createFlexibleLimiter(
  kind: RateLimiter["kind"],
  build: (policy: RateLimitPolicy, settings: LimiterSettings) => RateLimiterAbstract,
): Omit<RateLimiter, "close"> {
  // One limiter per policy name: rate-limiter-flexible keeps per-instance state (and the
  // Redis one registers a Lua command), so building one per request would leak.
  const limiters = new Map<string, { settings: LimiterSettings; limiter: RateLimiterAbstract }>();

  const limiterFor = (policy: RateLimitPolicy) => {
    const settings = toSettings(policy);
    const existing = limiters.get(policy.name);
    if (existing) {
      const same =
        existing.settings.points === settings.points &&
        existing.settings.duration === settings.duration &&
        existing.settings.blockDuration === settings.blockDuration;
      // Two policies under one name would spend each other's budget with different rules.
      if (!same)
        throw new AppError("INVALID_CONFIG", `Rate limit policy "${policy.name}" is defined twice, differently`);
      return existing.limiter;
    }
    const limiter = build(policy, settings);
    limiters.set(policy.name, { settings, limiter });
    return limiter;
  };

  return {
    kind,
    async consume(policy, key, points = 1): Promise<RateLimitDecision> {
      const limiter = limiterFor(policy);
      try {
        const res = await limiter.consume(key, points);
        return {
          allowed: true,
          limit: policy.points,
          remaining: res.remainingPoints,
          resetMs: Math.max(0, res.msBeforeNext),
          retryAfterMs: null,
        };
      } catch (error) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent and with
        // an Error when the store fails; only the first is a decision.
        if (error instanceof RateLimiterRes) {
          const waitMs = Math.max(1, error.msBeforeNext);
          return { allowed: false, limit: policy.points, remaining: 0, resetMs: waitMs, retryAfterMs: waitMs };
        }
        throw new AppError("UPSTREAM_UNAVAILABLE", "Rate limiter store unavailable", { cause: error, expose: false });
      }
    },
    async reset(policy, key) {
      await limiterFor(policy).delete(key);
    },
  };
}

/**
 * rate-limiter-flexible counts in whole seconds (RateLimiterRedis floors to EX seconds, and a
 * zero duration would mean "never expires"), so windows and blocks round up to a second.
 */
function toSettings(policy: RateLimitPolicy): LimiterSettings {
  if (!Number.isInteger(policy.points) || policy.points <= 0 || !(policy.windowMs > 0)) {
    throw new AppError("INVALID_CONFIG", `Rate limit policy "${policy.name}" needs points > 0 and windowMs > 0`);
  }
  return {
    points: policy.points,
    duration: Math.max(1, Math.ceil(policy.windowMs / 1000)),
    blockDuration: policy.blockMs ? Math.max(1, Math.ceil(policy.blockMs / 1000)) : 0,
  };
}
