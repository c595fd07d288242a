import { beforeEach, describe, expect, it } from "vitest";
import type { RateLimiter, RateLimitPolicy } from "../ports/rate-limiter.ts";

export interface RateLimiterContractHarness {
  /** A fresh limiter: a test may assume no key has spent anything. */
  create(): Promise<RateLimiter> | RateLimiter;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeRateLimiterContract(name: string, harness: RateLimiterContractHarness): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let limiter: RateLimiter;
    beforeEach(async () => {
      limiter = await harness.create();
    });

    const policy: RateLimitPolicy = { name: "storefront-key", points: 3, windowMs: 1000 };

    it("allows the budget, then refuses with a retry time within the window", async () => {
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limiter.consume(policy, "key-1"));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
      for (const d of decisions) {
        expect(d.limit).toBe(3);
        expect(d.resetMs).toBeGreaterThan(0);
        expect(d.resetMs).toBeLessThanOrEqual(1000);
      }
      expect(decisions[0]!.retryAfterMs).toBeNull();
      expect(decisions[3]!.retryAfterMs).toBeGreaterThan(0);
      expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(1000);
    });

    it("counts keys and policies separately", async () => {
      const other: RateLimitPolicy = { name: "login-ip", points: 1, windowMs: 1000 };
      for (let i = 0; i < 3; i++) await limiter.consume(policy, "key-a");
      expect((await limiter.consume(policy, "key-a")).allowed).toBe(false);
      expect((await limiter.consume(policy, "key-b")).allowed).toBe(true);
      expect((await limiter.consume(other, "key-a")).allowed).toBe(true);
    });

    it("spends several points at once", async () => {
      const d = await limiter.consume(policy, "bulk", 2);
      expect(d).toMatchObject({ allowed: true, remaining: 1 });
      expect((await limiter.consume(policy, "bulk", 2)).allowed).toBe(false);
    });

    it("restores the budget once the window has passed", async () => {
      for (let i = 0; i < 4; i++) await limiter.consume(policy, "key-w");
      await wait(1100);
      expect(await limiter.consume(policy, "key-w")).toMatchObject({ allowed: true, remaining: 2 });
    });

    it("keeps a key blocked for blockMs after the budget is spent", async () => {
      const lockout: RateLimitPolicy = { name: "login-email", points: 2, windowMs: 1000, blockMs: 3000 };
      await limiter.consume(lockout, "a@example.com");
      await limiter.consume(lockout, "a@example.com");
      const refused = await limiter.consume(lockout, "a@example.com");
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(1000);
      await wait(1100);
      const stillRefused = await limiter.consume(lockout, "a@example.com");
      expect(stillRefused.allowed).toBe(false);
      expect(stillRefused.retryAfterMs).toBeGreaterThan(500);
    });

    it("forgets a key on reset", async () => {
      for (let i = 0; i < 4; i++) await limiter.consume(policy, "key-r");
      await limiter.reset(policy, "key-r");
      expect(await limiter.consume(policy, "key-r")).toMatchObject({ allowed: true, remaining: 2 });
    });

    it("spends a budget exactly under concurrent requests", async () => {
      const wide: RateLimitPolicy = { name: "burst", points: 10, windowMs: 1000 };
      const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.consume(wide, "burst-key")));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });

    it("refuses one policy name defined twice with different rules", async () => {
      await limiter.consume(policy, "k");
      await expect(limiter.consume({ ...policy, points: 100 }, "k")).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    });
  });
}
