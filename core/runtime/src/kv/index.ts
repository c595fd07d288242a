// Cache, Queue and RateLimiter implementations: in-process defaults and Redis.
// The contract suites (vitest) live in ./contracts.ts and are deliberately not re-exported
// here, so production code never imports vitest.
export { createMemoryCache, type MemoryCacheOptions } from "./memory-cache.ts";
export { createMemoryQueue, type MemoryQueueOptions } from "./memory-queue.ts";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RedisRateLimiterOptions,
} from "./rate-limiter.ts";
export { createRedisCache, type RedisCacheOptions } from "./redis-cache.ts";
export { createRedisQueue, REDIS_QUEUE_GROUP, type RedisQueueOptions, redisQueueKeys } from "./redis-queue.ts";
export { createSqliteQueue, type SqliteQueueOptions } from "./sqlite-queue.ts";
