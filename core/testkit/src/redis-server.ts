// startRedisServer(): a throwaway redis-server on a free port for Redis-backed suites.
export {};
