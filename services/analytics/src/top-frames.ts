import type { DocumentStore } from "@varai/runtime";
import { ALL_PRODUCTS, ANALYTICS_COLLECTIONS, type DailyDoc } from "./collections.ts";

export interface FrameTotals {
  productId: string;
  tryOnStarted: number;
  tryOnRendered: number;
  productViewed: number;
  addToCart: number;
  purchases: number;
  sessions: number;
}

interface GroupRow {
  _id: string;
  tryOnStarted: number;
  tryOnRendered: number;
  productViewed: number;
  addToCart: number;
  purchases: number;
  sessions: number;
}

const SUMS = {
  tryOnStarted: { $sum: "$tryOnStarted" },
  tryOnRendered: { $sum: "$tryOnRendered" },
  productViewed: { $sum: "$productViewed" },
  addToCart: { $sum: "$addToCart" },
  purchases: { $sum: "$purchases" },
  sessions: { $sum: "$sessions" },
};

/** The summary's order: most try-ons, then most purchases, then product id. */
export const byTopOrder = (a: FrameTotals, b: FrameTotals) =>
  b.tryOnStarted - a.tryOnStarted ||
  b.purchases - a.purchases ||
  (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0);

const toTotals = (row: GroupRow): FrameTotals => ({
  productId: String(row._id),
  tryOnStarted: row.tryOnStarted,
  tryOnRendered: row.tryOnRendered,
  productViewed: row.productViewed,
  addToCart: row.addToCart,
  purchases: row.purchases,
  sessions: row.sessions,
});

/** How many of each day's most tried-on products are read first; doubled while that cannot decide. */
const FIRST_PER_DAY = 16;
/** Past this many per day, or this many products to sum, grouping the whole range is cheaper. */
const MAX_PER_DAY = 512;
const MAX_CANDIDATES = 200;

/**
 * The `limit` most tried-on frames over a range of days, exactly, without grouping every
 * product-day doc of the range (440,000 over 90 days in bench:store, seconds).
 *
 * Threshold algorithm (Fagin's): read each day's `perDay` most tried-on products (index
 * `by_day_try_ons`). A product missing from day d's list tried on at most that list's last value
 * there, so no product missing from every list can reach the sum of those last values (`bound`).
 * Sum the listed products over the range exactly (index `by_product_day`); when the `limit`-th
 * of them has more try-ons than `bound`, no other product can enter the top or tie with it, and
 * the answer is exact. Otherwise read more per day. Shopper interest is skewed (a few frames
 * draw most try-ons), so this usually settles on the first round; when it would not (flat
 * counts, a long tail of ties at the top), the range is grouped whole, as before.
 */
export function createTopFrames(store: DocumentStore) {
  const daily = store.tenantCollection<DailyDoc>(ANALYTICS_COLLECTIONS.daily);

  async function groupWhole(tenantId: string, days: string[], limit: number): Promise<FrameTotals[]> {
    const rows = await daily.aggregate<GroupRow>(tenantId, [
      { $match: { day: { $gte: days[0], $lte: days.at(-1) }, productId: { $ne: ALL_PRODUCTS } } },
      { $group: { _id: "$productId", ...SUMS } },
    ]);
    return rows.map(toTotals).sort(byTopOrder).slice(0, limit);
  }

  /**
   * `docsPerDay`: how many tenant-wide docs each day has (1; 2 on days written across the upgrade
   * that scoped ids per tenant, see README): a product has at most as many docs that day.
   */
  async function top(
    tenantId: string,
    days: string[],
    limit: number,
    docsPerDay: (day: string) => number,
  ): Promise<FrameTotals[]> {
    if (limit <= 0 || days.length === 0) return [];
    const range = { $gte: days[0] as string, $lte: days.at(-1) as string };
    /** Range sums of the products read so far (a later round only reads the products it adds). */
    const summed = new Map<string, FrameTotals | null>();
    for (let perDay = FIRST_PER_DAY; perDay <= MAX_PER_DAY; perDay *= 2) {
      const candidates = new Set<string>();
      let bound = 0;
      let anyFull = false;
      for (const day of days) {
        const list = await daily.find(
          tenantId,
          { day, productId: { $ne: ALL_PRODUCTS } },
          { sort: { tryOnStarted: -1 }, limit: perDay, projection: { productId: 1, tryOnStarted: 1 } },
        );
        for (const doc of list) candidates.add(doc.productId);
        // A full list: an unlisted product tried on at most as often as its last entry that day.
        if (list.length === perDay) {
          anyFull = true;
          bound += Math.max(1, docsPerDay(day)) * Math.max(0, (list.at(-1) as DailyDoc).tryOnStarted ?? 0);
        }
      }
      if (candidates.size === 0) return [];
      if (candidates.size > MAX_CANDIDATES) break;
      // One read per product (its days in the range, by `by_product_day`): an equality leads the
      // index whatever the planner's statistics say, where one `$in` of them all may be planned
      // as a scan of the whole range.
      for (const productId of candidates) {
        if (summed.has(productId)) continue;
        const [sums] = await daily.aggregate<GroupRow>(tenantId, [
          { $match: { productId, day: range } },
          { $group: { _id: "$productId", ...SUMS } },
        ]);
        summed.set(productId, sums ? toTotals(sums) : null);
      }
      const ranked = [...candidates]
        .map((productId) => summed.get(productId))
        .filter((row): row is FrameTotals => row != null)
        .sort(byTopOrder);
      const last = ranked[limit - 1];
      // Settled: with no list full, the lists held every product; else every product outside them
      // has at most `bound` try-ons, fewer than the last one in.
      if (!anyFull || (last && last.tryOnStarted > bound)) return ranked.slice(0, limit);
    }
    return groupWhole(tenantId, days, limit);
  }

  return { top };
}
