// Cache, Queue and RateLimiter implementations: in-process defaults and Redis.
export {};
