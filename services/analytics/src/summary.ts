import type { DocumentStore, TenantCollection } from "@varai/runtime";
import { COLLECTIONS } from "@varai/runtime";
import { AppError } from "@varai/schema";
import {
  ALL_PRODUCTS,
  ANALYTICS_COLLECTIONS,
  type DailyDoc,
  type FunnelGroup,
  METRICS,
  type Metric,
} from "./collections.ts";
import { createFunnelDays } from "./funnel-days.ts";
import { createTopFrames } from "./top-frames.ts";

const DAY_MS = 86_400_000;

export type Counts = Record<Metric, number> & { revenue: Record<string, number> };

export interface DayRange {
  from: string;
  to: string;
  days: string[];
}

/** Validated day range: defaults to the last 30 days ending today (UTC); at most `maxRangeDays`. */
export function resolveRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
  maxRangeDays: number,
): DayRange {
  const to = query.to ?? now.toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (span < 1) throw new AppError("INVALID_INPUT", "`from` must not be after `to`");
  if (span > maxRangeDays) throw new AppError("INVALID_INPUT", `The range may span at most ${maxRangeDays} days`);
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); days.length < span; t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return { from, to, days };
}

const emptyCounts = (): Counts => ({
  ...(Object.fromEntries(METRICS.map((m) => [m, 0])) as Record<Metric, number>),
  revenue: {},
});

/** Adds a stored doc into counts; revenue leaves storage in hundredths and is reported in units. */
function addInto(target: Counts, doc: Partial<Record<Metric, number>> & { revenue?: Record<string, number> }) {
  for (const metric of METRICS) target[metric] += doc[metric] ?? 0;
  for (const [currency, hundredths] of Object.entries(doc.revenue ?? {})) {
    target.revenue[currency] = Math.round(((target.revenue[currency] ?? 0) + hundredths / 100) * 100) / 100;
  }
}

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

const FUNNEL_STEPS = [
  ["widget_shown", "widgetShown"],
  ["try_on_started", "tryOnStarted"],
  ["try_on_rendered", "tryOnRendered"],
  ["add_to_cart", "addToCart"],
  ["purchase", "purchased"],
] as const;

/** The session funnel and the tried-on vs not conversion of a range's session-day groups. */
function funnelAndConversion(sessionRows: FunnelGroup[]) {
  const funnelCounts = { widgetShown: 0, tryOnStarted: 0, tryOnRendered: 0, addToCart: 0, purchased: 0 };
  const conversion = {
    triedOn: { sessions: 0, purchased: 0, rate: null as number | null },
    notTriedOn: { sessions: 0, purchased: 0, rate: null as number | null },
    unattributedPurchaseSessions: 0,
  };
  for (const row of sessionRows) {
    if (row.seen) {
      funnelCounts.widgetShown += row.widgetShown;
      funnelCounts.tryOnStarted += row.tryOnStarted;
      funnelCounts.tryOnRendered += row.tryOnRendered;
      funnelCounts.addToCart += row.addToCart;
      funnelCounts.purchased += row.purchasedSessions;
    } else {
      // Orders with no VARAi session: the widget never saw these shoppers.
      if (row.purchased) conversion.unattributedPurchaseSessions += row.sessions;
      continue;
    }
    const group = row.tried ? conversion.triedOn : conversion.notTriedOn;
    group.sessions += row.sessions;
    if (row.purchased) group.purchased += row.sessions;
  }
  conversion.triedOn.rate = rate(conversion.triedOn.purchased, conversion.triedOn.sessions);
  conversion.notTriedOn.rate = rate(conversion.notTriedOn.purchased, conversion.notTriedOn.sessions);
  const lift =
    conversion.triedOn.rate !== null && conversion.notTriedOn.rate
      ? Math.round((conversion.triedOn.rate / conversion.notTriedOn.rate) * 100) / 100
      : null;

  let previous: number | null = null;
  const funnel = FUNNEL_STEPS.map(([step, field]) => {
    const sessions = funnelCounts[field];
    const entry = { step, sessions, rateFromPrevious: previous === null ? null : rate(sessions, previous) };
    previous = sessions;
    return entry;
  });
  return { funnel, conversion: { ...conversion, lift } };
}

export function createSummaryQueries(store: DocumentStore, options: { retentionDays: number }) {
  const daily = store.tenantCollection<DailyDoc>(ANALYTICS_COLLECTIONS.daily);
  const funnelDays = createFunnelDays(store, options);
  const topFrameQueries = createTopFrames(store);
  const products = store.tenantCollection<{ id: string; tenantId: string; title?: string }>(COLLECTIONS.products);

  async function summary(tenantId: string, range: DayRange, topLimit = 10) {
    const dayFilter = { day: { $gte: range.from, $lte: range.to } };
    // The tenant-wide docs first: the funnel's per-day groups are valid against what they count.
    const totalDocs = await daily.find(tenantId, { ...dayFilter, productId: ALL_PRODUCTS });
    // Usually one tenant-wide doc per day; aggregates written before ids were scoped per tenant
    // (see README "Upgrading") can add a second one for the same day, so docs are summed.
    const byDay = new Map<string, DailyDoc[]>();
    for (const doc of totalDocs) {
      const list = byDay.get(doc.day);
      if (list) list.push(doc);
      else byDay.set(doc.day, [doc]);
    }
    const totals = emptyCounts();
    const series = range.days.map((day) => {
      const counts = emptyCounts();
      for (const doc of byDay.get(day) ?? []) {
        addInto(counts, doc);
        addInto(totals, doc);
      }
      return { date: day, ...counts };
    });
    // Daily `sessions` are distinct per day; over the range a session seen on two days counts twice.
    const [sessionRows, topRows] = await Promise.all([
      funnelDays.groups(tenantId, range.days, byDay),
      topFrameQueries.top(tenantId, range.days, topLimit, (day) => byDay.get(day)?.length ?? 1),
    ]);

    const { funnel, conversion } = funnelAndConversion(sessionRows);

    const topIds = topRows.map((row) => row.productId);
    const titles = new Map<string, string>();
    if (topIds.length > 0) {
      // One `$in` read (served by the `_id` index) instead of one read per frame.
      for (const product of await products.find(tenantId, { id: { $in: topIds } })) {
        if (product.title) titles.set(product.id, product.title);
      }
    }
    const topFrames = topRows.map((row) => ({
      productId: row.productId,
      title: titles.get(row.productId) ?? null,
      tryOns: row.tryOnStarted,
      rendered: row.tryOnRendered,
      views: row.productViewed,
      addToCart: row.addToCart,
      purchases: row.purchases,
      sessions: row.sessions,
    }));

    return {
      tenantId,
      from: range.from,
      to: range.to,
      granularity: "day" as const,
      totals,
      series,
      funnel,
      topFrames,
      conversion,
    };
  }

  return {
    summary,
    /** Daily product aggregates of one day, in pages (exports stream them without holding a range in memory). */
    exportLines: (tenantId: string, range: DayRange, pageSize = 500) => exportLines(daily, tenantId, range, pageSize),
  };
}

export type SummaryQueries = ReturnType<typeof createSummaryQueries>;

async function* exportLines(daily: TenantCollection<DailyDoc>, tenantId: string, range: DayRange, pageSize: number) {
  for (const day of range.days) {
    let after = "";
    for (;;) {
      const page = await daily.find(
        tenantId,
        { day, productId: { $ne: ALL_PRODUCTS, $gt: after } },
        { sort: { productId: 1 }, limit: pageSize },
      );
      for (const doc of page) {
        const counts = emptyCounts();
        addInto(counts, doc);
        yield { tenantId, date: day, productId: doc.productId, ...counts };
      }
      if (page.length < pageSize) break;
      after = (page.at(-1) as DailyDoc).productId;
    }
  }
}
