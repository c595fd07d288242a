import { afterEach, describe, expect, it, vi } from "vitest";
import { createIntakeActivity } from "./intake-activity.ts";

describe("acks first (deferrable work waits for a gap between deliveries)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets deferred work start at once when no delivery arrived recently", async () => {
    const activity = createIntakeActivity({ quietMs: 3, maxDeferMs: 1000 });
    let ran = false;
    await activity.idle(performance.now()).then(() => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it("holds deferred work while deliveries arrive and releases it once they pause", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "performance"] });
    const activity = createIntakeActivity({ quietMs: 3, maxDeferMs: 1000 });
    let ran = false;
    activity.touch();
    void activity.idle(performance.now()).then(() => {
      ran = true;
    });
    for (let i = 0; i < 50; i++) {
      await vi.advanceTimersByTimeAsync(1);
      activity.touch(); // a delivery every millisecond
    }
    expect(ran).toBe(false);
    await vi.advanceTimersByTimeAsync(4);
    expect(ran).toBe(true);
  });

  it("never holds work longer than maxDeferMs, even when deliveries never pause", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "performance"] });
    const activity = createIntakeActivity({ quietMs: 3, maxDeferMs: 200 });
    let ranAt: number | null = null;
    const due = performance.now();
    activity.touch();
    void activity.idle(due).then(() => {
      ranAt = performance.now();
    });
    for (let i = 0; i < 300 && ranAt === null; i++) {
      activity.touch();
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(ranAt).not.toBeNull();
    expect(ranAt! - due).toBeGreaterThanOrEqual(200);
    expect(ranAt! - due).toBeLessThan(210);
  });

  it("counts the wait from when the work became due, so old jobs run at once", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "performance"] });
    const activity = createIntakeActivity({ quietMs: 3, maxDeferMs: 200 });
    await vi.advanceTimersByTimeAsync(500);
    activity.touch();
    let ran = false;
    void activity.idle(performance.now() - 300).then(() => {
      ran = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toBe(true);
  });
});
