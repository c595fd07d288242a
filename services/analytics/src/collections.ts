import type { CollectionDefinition } from "@varai/runtime";

/** Counters kept per tenant x product x UTC day (and per tenant x day under product "*"). */
export const METRICS = [
  "widgetShown",
  "tryOnStarted",
  "tryOnRendered",
  "faceAnalyzed",
  "recommendationShown",
  "recommendationClicked",
  "productViewed",
  "addToCart",
  "purchases",
  "units",
  "sessions",
] as const;
export type Metric = (typeof METRICS)[number];

/** The product id under which a day's tenant-wide totals are kept. */
export const ALL_PRODUCTS = "*";

/**
 * A daily aggregate. `revenue` is per currency in hundredths (integers, so that $inc never
 * drifts). `ledger` holds the ids of batches whose increments are applied but not yet known to
 * be final (see processor.ts); it stays small because entries are removed lazily.
 */
export type DailyDoc = { id: string; tenantId: string; day: string; productId: string; updatedAt: Date } & Partial<
  Record<Metric, number>
> & { revenue?: Record<string, number>; ledger?: Record<string, 1> };

/**
 * One session on one day: which products it touched (value = the batch that touched it first,
 * which owns the +1 in that product's distinct `sessions`) and funnel flags (0/1, set with $max,
 * so re-applying them is harmless). `v` is an optimistic-concurrency counter.
 */
export interface SessionDayDoc {
  id: string;
  tenantId: string;
  day: string;
  sessionId: string;
  shopperId?: string;
  createdBy: string;
  products: Record<string, string>;
  widgetShown: number;
  tryOnStarted: number;
  tryOnRendered: number;
  addToCart: number;
  purchased: number;
  /** 1 when the session was seen by the widget (any event but a platform purchase). */
  seen: number;
  v: number;
  expiresAt: Date;
}

/**
 * One day's session funnel, grouped as the summary needs it (funnel-days.ts): a cache of a
 * `$group` over that day's session-day docs, valid while the day's tenant-wide daily doc still
 * has the counts (`fingerprint`) it had when the groups were read.
 */
export interface FunnelDayDoc {
  id: string;
  tenantId: string;
  fingerprint: string;
  groups: FunnelGroup[];
  /** The day's first session-day docs expire then: from that day on the groups are read again. */
  expiresAt: Date;
}

/** The session-day docs of one day with one (tried, purchased, seen): how many, and their funnel flags summed. */
export interface FunnelGroup {
  tried: number;
  purchased: number;
  seen: number;
  sessions: number;
  widgetShown: number;
  tryOnStarted: number;
  tryOnRendered: number;
  addToCart: number;
  purchasedSessions: number;
}

/** A batch whose aggregate increments are fully applied: a redelivery of it is a no-op. */
export interface AppliedBatchDoc {
  id: string;
  tenantId: string;
  events: number;
  counted: number;
  appliedAt: Date;
  expiresAt: Date;
}

export const ANALYTICS_COLLECTIONS = {
  daily: {
    name: "analytics_daily",
    scope: "tenant",
    indexes: [
      { fields: { day: 1, productId: 1 }, name: "by_day_product" },
      // The summary's top frames: each day's most tried-on products, then those products' range (top-frames.ts).
      // Ascending: scanned backwards it yields the most tried-on first, ties in the order SQL pages them.
      { fields: { day: 1, tryOnStarted: 1 }, name: "by_day_try_ons" },
      { fields: { productId: 1, day: 1 }, name: "by_product_day" },
    ],
  },
  sessionDays: {
    name: "analytics_session_days",
    scope: "tenant",
    indexes: [
      { fields: { day: 1 }, name: "by_day" },
      { fields: { shopperId: 1 }, name: "by_shopper" },
      { fields: { sessionId: 1 }, name: "by_session" },
    ],
    ttlField: "expiresAt",
  },
  appliedBatches: { name: "analytics_applied_batches", scope: "tenant", ttlField: "expiresAt" },
  funnelDays: { name: "analytics_funnel_days", scope: "tenant", ttlField: "expiresAt" },
  /** Redacted shoppers and sessions whose queued events must not be stored (suppression.ts). */
  suppressions: { name: "analytics_suppressions", scope: "tenant", ttlField: "expiresAt" },
} as const satisfies Record<string, CollectionDefinition>;

// Ids are unique per tenant (the store scopes them), so they need no tenant prefix. Documents
// written before that change carry one; see README "Upgrading".
export const dailyId = (day: string, productId: string) => `${day}:${productId}`;
export const sessionDayId = (day: string, sessionId: string) => `${day}:${sessionId}`;

/** Product ids become keys of `products`; a dot would read as a path, and `~` is not allowed in ids. */
export const productKey = (productId: string) => productId.replaceAll(".", "~");
