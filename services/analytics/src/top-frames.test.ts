import { createEmbeddedStore } from "@varai/runtime";
import { seededRandom } from "@varai/testkit";
import { describe, expect, it } from "vitest";
import { ALL_PRODUCTS, ANALYTICS_COLLECTIONS, dailyId } from "./collections.ts";
import { byTopOrder, createTopFrames, type FrameTotals } from "./top-frames.ts";

const T = "ten_top";
const day = (i: number) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);

/** The top frames by summing every product-day doc of the range: what the summary computed before. */
function reference(docs: Record<string, unknown>[], days: string[], limit: number): FrameTotals[] {
  const sums = new Map<string, FrameTotals>();
  for (const doc of docs) {
    if (doc.productId === ALL_PRODUCTS || !days.includes(doc.day as string)) continue;
    const id = doc.productId as string;
    const row = sums.get(id) ?? {
      productId: id,
      tryOnStarted: 0,
      tryOnRendered: 0,
      productViewed: 0,
      addToCart: 0,
      purchases: 0,
      sessions: 0,
    };
    for (const key of ["tryOnStarted", "tryOnRendered", "productViewed", "addToCart", "purchases", "sessions"] as const)
      row[key] += typeof doc[key] === "number" ? (doc[key] as number) : 0;
    sums.set(id, row);
  }
  return [...sums.values()].sort(byTopOrder).slice(0, limit);
}

describe("top frames over a range (threshold algorithm over each day's most tried-on)", () => {
  it("matches summing every product-day doc, on skewed, flat and tied counts, for any range and limit", async () => {
    const rand = seededRandom(42);
    const shapes = {
      // A few frames draw most try-ons: settles on the first round.
      skewed: (rank: number) => Math.floor(2000 / rank ** 1.1 + rand() * 5),
      // Every frame about as popular: the lists cannot decide and the range is grouped whole.
      flat: () => Math.floor(rand() * 4),
      // Many equal counts at the top: ties are broken by purchases, then product id.
      tied: (rank: number) => (rank <= 40 ? 50 : Math.floor(rand() * 3)),
    };
    for (const [shape, tryOns] of Object.entries(shapes)) {
      const store = createEmbeddedStore({ file: null });
      const daily = store.tenantCollection(ANALYTICS_COLLECTIONS.daily);
      const docs: Record<string, unknown>[] = [];
      for (let d = 0; d < 12; d++) {
        // Each day touches a random subset of 200 frames; some docs lack a metric altogether.
        for (let rank = 1; rank <= 200; rank++) {
          if (rand() < 0.4) continue;
          const productId = `prd_${String(rank).padStart(3, "0")}`;
          const doc: Record<string, unknown> = {
            id: dailyId(day(d), productId),
            day: day(d),
            productId,
            purchases: Math.floor(rand() * 3),
            sessions: 1 + Math.floor(rand() * 9),
            updatedAt: new Date(),
          };
          const n = tryOns(rank);
          if (n > 0 || rand() < 0.5) doc.tryOnStarted = n;
          if (rand() < 0.8) doc.productViewed = n + 3;
          docs.push(doc);
        }
        docs.push({ id: dailyId(day(d), ALL_PRODUCTS), day: day(d), productId: ALL_PRODUCTS, tryOnStarted: 1e9 });
      }
      await daily.insertMany(T, docs as never[]);
      const { top } = createTopFrames(store);
      for (const [from, to, limit] of [
        [0, 11, 10],
        [0, 0, 10],
        [3, 9, 5],
        [0, 11, 60],
        [10, 11, 1],
      ] as const) {
        const days = Array.from({ length: to - from + 1 }, (_, i) => day(from + i));
        const got = await top(T, days, limit, () => 1);
        expect({ shape, from, to, limit, got }).toEqual({ shape, from, to, limit, got: reference(docs, days, limit) });
      }
      expect(await top(T, [day(40)], 10, () => 1)).toEqual([]);
      await store.close();
    }
  }, 60_000);
});
