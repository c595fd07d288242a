import type { RateLimitSignal } from "@varai/commerce";
import { describe, expect, it } from "vitest";
import { createRateGovernor } from "./governor.ts";

const signal = (s: Partial<RateLimitSignal>): RateLimitSignal => ({
  remaining: 0,
  capacity: 10,
  restorePerSecond: null,
  resetMs: null,
  windowMs: null,
  cost: 1,
  ...s,
});

describe("rate governor", () => {
  it("paces a continuously refilled quota to the refill rate instead of waiting out a whole window", async () => {
    let t = 0;
    const g = createRateGovernor({ now: () => t });
    await g.acquire("s");
    g.observe("s", signal({ remaining: 0, capacity: 20, restorePerSecond: 20, resetMs: 1000, windowMs: 1000 }));
    expect(g.delayFor("s")).toBe(50); // one request's worth of refill, not the 1 s reset
    t += 50;
    expect(g.delayFor("s")).toBe(0);
  });

  it("spends a fixed window's quota without waiting, then waits for its reset", async () => {
    let t = 0;
    const g = createRateGovernor({ now: () => t });
    await g.acquire("s");
    g.observe("s", signal({ remaining: 3, capacity: 4, resetMs: 2000, windowMs: 3000 }));
    for (let i = 0; i < 3; i++) {
      expect(g.delayFor("s")).toBe(0);
      await g.acquire("s");
    }
    expect(g.delayFor("s")).toBe(2000);
    t += 2000;
    expect(g.delayFor("s")).toBe(0); // a new window: the full quota again
  });

  it("charges calls still in flight against a report that may not have counted them", async () => {
    const t = 0;
    const g = createRateGovernor({ now: () => t });
    await g.acquire("s");
    await g.acquire("s"); // two in flight (a page and its prefetch)
    g.observe("s", signal({ remaining: 1, capacity: 10, resetMs: 5000, windowMs: 5000 }));
    // The report said 1 left, but the second call is still out: nothing is left.
    expect(g.delayFor("s")).toBe(5000);
  });

  it("waits what the platform said after a 429", async () => {
    let t = 0;
    const g = createRateGovernor({ now: () => t });
    await g.acquire("s");
    g.penalize("s", 1500);
    expect(g.delayFor("s")).toBe(1500);
    t += 1500;
    expect(g.delayFor("s")).toBe(0);
  });
});
