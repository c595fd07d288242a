import type { UseQueryResult } from "@tanstack/react-query";
import { useMemo } from "react";
import type { AnalyticsSummary } from "./api.ts";
import { useAnalyticsSummary } from "./react.ts";

type Rate = { sessions: number; purchased: number };

/**
 * A 95 % interval for the difference of two conversion rates (normal approximation), so the
 * merchant sees whether "try-on converts better" is more than noise. Null without sessions on a side.
 */
export function conversionDifferenceInterval(a: Rate, b: Rate): { low: number; high: number } | null {
  if (a.sessions === 0 || b.sessions === 0) return null;
  const pa = a.purchased / a.sessions;
  const pb = b.purchased / b.sessions;
  const se = Math.sqrt((pa * (1 - pa)) / a.sessions + (pb * (1 - pb)) / b.sessions);
  return { low: pa - pb - 1.96 * se, high: pa - pb + 1.96 * se };
}

/**
 * Whether the normal approximation behind the interval holds for a side: at least 5 sessions
 * that bought and 5 that did not (with 1 of 1 against 0 of 1 the interval collapses to a point).
 */
export function approximationHolds(r: Rate): boolean {
  return r.purchased >= 5 && r.sessions - r.purchased >= 5;
}

export interface ImpactSummary {
  from: string;
  to: string;
  /** Nothing recorded in the range: the screen shows its empty state. */
  empty: boolean;
  tryOns: number;
  widgetShown: number;
  addToCart: number;
  purchases: number;
  /** Purchases in sessions with a try-on over those sessions (null: no such session). */
  conversionWithTryOn: number | null;
  conversionWithoutTryOn: number | null;
  /** The first rate over the second (1.6: shoppers who tried on bought 1.6 times as often), as the API computes it. */
  lift: number | null;
  /** Whether the difference is beyond noise: enough sessions on both sides and the 95 % interval excludes 0. */
  significant: boolean;
  interval: { low: number; high: number } | null;
  /** Revenue per ISO currency, largest first. */
  revenue: Array<{ currency: string; amount: number }>;
  topFrames: AnalyticsSummary["topFrames"];
}

/** The try-on impact in the terms a merchant app shows it (pure). */
export function impactSummary(s: AnalyticsSummary): ImpactSummary {
  const interval = conversionDifferenceInterval(s.conversion.triedOn, s.conversion.notTriedOn);
  const t = s.totals;
  return {
    from: s.from,
    to: s.to,
    empty: t.widgetShown + t.tryOnStarted + t.addToCart + t.purchases + t.sessions === 0,
    tryOns: t.tryOnStarted,
    widgetShown: t.widgetShown,
    addToCart: t.addToCart,
    purchases: t.purchases,
    conversionWithTryOn: s.conversion.triedOn.rate,
    conversionWithoutTryOn: s.conversion.notTriedOn.rate,
    lift: s.conversion.lift,
    significant:
      interval !== null &&
      approximationHolds(s.conversion.triedOn) &&
      approximationHolds(s.conversion.notTriedOn) &&
      (interval.low > 0 || interval.high < 0),
    interval,
    revenue: Object.entries(t.revenue)
      .map(([currency, amount]) => ({ currency, amount }))
      .sort((a, b) => b.amount - a.amount),
    topFrames: s.topFrames,
  };
}

const isoDay = (offsetDays: number, now: number) => new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** The range of the last `days` days, today included (UTC dates, as the API counts). */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  return { from: isoDay(-(days - 1), now), to: isoDay(0, now) };
}

/** The try-on impact of the last `days` days; live `analytics` events refetch it (useLiveQueryBridge). */
export function useImpactSummary(days = 30): UseQueryResult<AnalyticsSummary> & { impact: ImpactSummary | null } {
  // One range per mount and day count: a range recomputed every render would be a new query key.
  const range = useMemo(() => lastDays(days), [days]);
  const summary = useAnalyticsSummary(range);
  const impact = useMemo(() => (summary.data ? impactSummary(summary.data) : null), [summary.data]);
  return { ...summary, impact };
}
