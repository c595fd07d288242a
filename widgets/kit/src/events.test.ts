import type { AnalyticsEventInput } from "@varai/schema";
import { AnalyticsEventInputSchema } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { createEventBatcher, type EventBatcherOptions } from "./events.ts";

function setup(overrides: Partial<EventBatcherOptions> = {}) {
  const sent: AnalyticsEventInput[][] = [];
  const beaconed: AnalyticsEventInput[][] = [];
  const timers: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  let n = 0;
  const batcher = createEventBatcher({
    sessionId: "ses_1",
    send: async (batch) => {
      sent.push(batch);
    },
    beacon: (batch) => {
      beaconed.push(batch);
      return true;
    },
    now: () => new Date("2025-01-01T00:00:00.000Z"),
    newId: () => `evt_${String(++n).padStart(8, "0")}`,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      (h as { cancelled: boolean }).cancelled = true;
    },
    ...overrides,
  });
  const fire = () => {
    for (const t of timers.splice(0)) if (!t.cancelled) t.fn();
  };
  return { batcher, sent, beaconed, timers, fire };
}

describe("event batcher", () => {
  it("sends nothing until the quiet delay passes, then one batch of valid events", async () => {
    const { batcher, sent, fire } = setup();
    batcher.track("widget_shown", { properties: { widget: "try-on" } });
    batcher.track("try_on_started", { productId: "prd_1" });
    expect(sent).toHaveLength(0);
    fire();
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveLength(2);
    for (const event of sent[0]!) expect(AnalyticsEventInputSchema.safeParse(event).success).toBe(true);
    expect(sent[0]![1]).toMatchObject({ type: "try_on_started", productId: "prd_1", sessionId: "ses_1" });
  });

  it("carries the shopper an element names from then on (shopper-id), not before", async () => {
    const { batcher, sent, fire } = setup();
    batcher.track("widget_shown");
    batcher.setShopperId("gid://shopify/Customer/191167");
    batcher.track("try_on_started", { productId: "prd_1" });
    fire();
    await Promise.resolve();
    expect(sent[0]?.map((e) => e.shopperId)).toEqual([undefined, "gid://shopify/Customer/191167"]);
  });

  it("flushes at once when a batch is full", async () => {
    const { batcher, sent } = setup({ maxBatch: 3 });
    for (let i = 0; i < 3; i++) batcher.track("product_viewed");
    await Promise.resolve();
    expect(sent.map((b) => b.length)).toEqual([3]);
    expect(batcher.pending).toBe(0);
  });

  it("hands the queue to the beacon on page hide and cancels the timer", () => {
    const { batcher, sent, beaconed, timers } = setup();
    batcher.track("add_to_cart", { productId: "prd_2" });
    batcher.flushOnHide();
    expect(beaconed).toHaveLength(1);
    expect(beaconed[0]![0]!.type).toBe("add_to_cart");
    expect(sent).toHaveLength(0);
    expect(timers.every((t) => t.cancelled)).toBe(true);
  });

  it("falls back to a normal send when the browser refuses the beacon", () => {
    const { batcher, sent } = setup({ beacon: () => false });
    batcher.track("purchase");
    batcher.flushOnHide();
    expect(sent).toHaveLength(1);
  });

  it("keeps memory bounded by dropping the oldest events when sending is impossible", async () => {
    const { batcher } = setup({ maxQueued: 5, maxBatch: 100 });
    for (let i = 0; i < 12; i++) batcher.track("product_viewed");
    expect(batcher.pending).toBe(5);
  });

  it("drops a failed batch instead of throwing into the page", async () => {
    const { batcher, fire } = setup({ send: () => Promise.reject(new Error("offline")) });
    batcher.track("widget_shown");
    fire();
    await expect(batcher.flush()).resolves.toBeUndefined();
    expect(batcher.pending).toBe(0);
  });
});
