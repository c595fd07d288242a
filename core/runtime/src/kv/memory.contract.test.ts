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
