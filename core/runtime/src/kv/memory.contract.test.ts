import { describe, expect, it } from "vitest";
import { describeCacheContract, describeQueueContract, describeRateLimiterContract } from "./contracts.ts";
import { createMemoryCache } from "./memory-cache.ts";
import { createMemoryQueue } from "./memory-queue.ts";
import { createMemoryRateLimiter } from "./rate-limiter.ts";

describeCacheContract("memory", { create: () => createMemoryCache() });
describeQueueContract("memory", { create: () => createMemoryQueue() });
describeRateLimiterContract("memory", { create: () => createMemoryRateLimiter() });

describe("memory cache bounds", () => {
  it("evicts the least recently used entry beyond maxEntries", async () => {
    const cache = createMemoryCache({ maxEntries: 3 });
    await cache.set("a", 1, 10_000);
    await cache.set("b", 2, 10_000);
    await cache.set("c", 3, 10_000);
    await cache.get("a");
    await cache.set("d", 4, 10_000);
    expect(await cache.get("b")).toBeNull();
    expect(await cache.get("a")).toBe(1);
    expect(await cache.get("c")).toBe(3);
    expect(await cache.get("d")).toBe(4);
  });
});

describe("memory cache eviction in batches", () => {
  it("never holds more than maxEntries, and evicts the oldest first", async () => {
    const cache = createMemoryCache({ maxEntries: 200 });
    for (let i = 0; i < 1000; i++) await cache.set(`k${i}`, i, 10_000);
    let kept = 0;
    for (let i = 0; i < 1000; i++) if ((await cache.get(`k${i}`)) !== null) kept++;
    expect(kept).toBeLessThanOrEqual(200);
    expect(kept).toBeGreaterThanOrEqual(198);
    expect(await cache.get("k999")).toBe(999);
    expect(await cache.get("k700")).toBeNull();
  });
});

describe("memory queue bounds", () => {
  it("refuses new jobs with OVERLOADED once a queue holds maxJobsPerQueue", async () => {
    const queue = createMemoryQueue({ maxJobsPerQueue: 2 });
    await queue.enqueue("q", 1);
    await queue.enqueue("q", 2, { delayMs: 10_000 });
    await expect(queue.enqueue("q", 3)).rejects.toMatchObject({ code: "OVERLOADED" });
    expect(await queue.depth("q")).toBe(2);
    await queue.close();
  });
});
