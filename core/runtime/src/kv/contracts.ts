// Contract suites every Cache, Queue and RateLimiter implementation runs (vitest only).
export { type CacheContractHarness, describeCacheContract } from "./cache-contract.ts";
export { describeQueueContract, type QueueContractHarness } from "./queue-contract.ts";
export { describeRateLimiterContract, type RateLimiterContractHarness } from "./rate-limiter-contract.ts";
