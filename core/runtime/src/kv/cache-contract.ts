import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Cache } from "../ports/cache.ts";

export interface CacheContractHarness {
  /** A fresh cache: a test may assume it starts empty. */
  create(): Promise<Cache> | Cache;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeCacheContract(name: string, harness: CacheContractHarness): void {
  describe(`Cache contract: ${name}`, () => {
    let cache: Cache;
    beforeEach(async () => {
      cache = await harness.create();
    });
    afterEach(async () => {
      await cache.close();
    });

    it("returns what was set, as a copy, and null for a missing key", async () => {
      const value = { sku: "A-1", sizes: [52, 54], nested: { ok: true } };
      await cache.set("product", value, 10_000);
      const read = await cache.get<typeof value>("product");
      expect(read).toEqual(value);
      read!.sizes.push(99);
      expect(await cache.get("product")).toEqual(value);
      expect(await cache.get("missing")).toBeNull();
    });

    it("forgets a value once its TTL has passed", async () => {
      await cache.set("short", "x", 60);
      expect(await cache.get("short")).toBe("x");
      await wait(120);
      expect(await cache.get("short")).toBeNull();
    });

    it("lets exactly one of many concurrent setIfAbsent calls win", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => cache.setIfAbsent("webhook:evt_1", { by: i }, 10_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await cache.get("webhook:evt_1")).toEqual({ by: winner });
    });

    it("lets setIfAbsent win again after the previous value expired", async () => {
      expect(await cache.setIfAbsent("dedupe", 1, 50)).toBe(true);
      expect(await cache.setIfAbsent("dedupe", 2, 50)).toBe(false);
      await wait(100);
      expect(await cache.setIfAbsent("dedupe", 3, 1000)).toBe(true);
      expect(await cache.get("dedupe")).toBe(3);
    });

    it("deletes one key", async () => {
      await cache.set("a", 1, 10_000);
      await cache.delete("a");
      await cache.delete("never-set");
      expect(await cache.get("a")).toBeNull();
    });

    it("deletes every key under a prefix and only those, treating glob characters literally", async () => {
      for (let i = 0; i < 30; i++) await cache.set(`tenant:t1:product:${i}`, i, 10_000);
      await cache.set("tenant:t10:product:1", "other tenant", 10_000);
      await cache.set("tenant:t*:x", "literal star", 10_000);
      await cache.set("tenant:t2:x", "unrelated", 10_000);
      expect(await cache.deleteByPrefix("tenant:t1:")).toBe(30);
      expect(await cache.get("tenant:t1:product:0")).toBeNull();
      expect(await cache.get("tenant:t10:product:1")).toBe("other tenant");
      expect(await cache.deleteByPrefix("tenant:t*")).toBe(1);
      expect(await cache.get("tenant:t2:x")).toBe("unrelated");
    });

    it("counts atomically and readably under concurrency", async () => {
      const values = await Promise.all(Array.from({ length: 50 }, () => cache.increment("hits", 2, 10_000)));
      expect(new Set(values).size).toBe(50);
      expect(Math.max(...values)).toBe(100);
      expect(await cache.get("hits")).toBe(100);
    });

    it("sets the counter TTL on the first increment and does not extend it on later ones", async () => {
      await cache.increment("window", 1, 150);
      await wait(80);
      expect(await cache.increment("window", 1, 150)).toBe(2);
      await wait(100);
      // Had the second increment reset the TTL, the counter would still be alive here.
      expect(await cache.get("window")).toBeNull();
      expect(await cache.increment("window", 1, 150)).toBe(1);
    });

    it("refuses a missing or non-positive TTL instead of storing forever", async () => {
      await expect(cache.set("k", 1, 0)).rejects.toMatchObject({ code: "INVALID_INPUT" });
      await expect(cache.setIfAbsent("k", 1, -5)).rejects.toMatchObject({ code: "INVALID_INPUT" });
      await expect(cache.increment("k", 1, Number.NaN)).rejects.toMatchObject({ code: "INVALID_INPUT" });
      expect(await cache.get("k")).toBeNull();
    });

    it("answers ping", async () => {
      await expect(cache.ping()).resolves.toBeUndefined();
    });
  });
}
