import type { DocumentStore } from "@varai/runtime";
import {
  ANALYTICS_COLLECTIONS,
  type DailyDoc,
  type FunnelDayDoc,
  type FunnelGroup,
  METRICS,
  type SessionDayDoc,
} from "./collections.ts";

const DAY_MS = 86_400_000;

interface GroupRow {
  _id: { tried?: number; purchased?: number; seen?: number } | null;
  sessions: number;
  widgetShown: number;
  tryOnStarted: number;
  tryOnRendered: number;
  addToCart: number;
  purchased: number;
}

/**
 * What a day's tenant-wide daily docs count, as text. Every batch that changes a session-day doc
 * of a day counts its events in that day's tenant-wide doc afterwards (processor.ts, steps 3 and
 * 4), so while this text is unchanged, the day's session-day docs are as they were.
 */
export function dayFingerprint(totals: DailyDoc[]): string {
  const sorted = [...totals].sort((a, b) => (a.id < b.id ? -1 : 1));
  return JSON.stringify(sorted.map((doc) => [doc.id, METRICS.map((m) => doc[m] ?? 0), doc.revenue ?? {}]));
}

/**
 * The session funnel of each day of a range, grouped by (tried, purchased, seen). A 90-day
 * summary used to group every session-day doc of the range (200,000 in bench:store, seconds);
 * here each day's groups are kept in `analytics_funnel_days` with the fingerprint of the day's
 * tenant-wide counts they were read under, so a summary reads one small doc per day and groups
 * again only the days that changed since (today, usually: a few thousand docs).
 *
 * The fingerprint is read before the session-day docs: a batch that changes them after that
 * read changes the day's counts too, so a doc written with the older fingerprint is never taken
 * for current. The doc expires on the day the day's first session-day docs do (retention), and
 * the groups are read afresh from then on, as the session-day docs expire one by one.
 */
export function createFunnelDays(store: DocumentStore, options: { retentionDays: number }) {
  const sessionDays = store.tenantCollection<SessionDayDoc>(ANALYTICS_COLLECTIONS.sessionDays);
  const cached = store.tenantCollection<FunnelDayDoc>(ANALYTICS_COLLECTIONS.funnelDays);

  async function groupDay(tenantId: string, day: string): Promise<FunnelGroup[]> {
    const rows = await sessionDays.aggregate<GroupRow>(tenantId, [
      { $match: { day } },
      {
        $group: {
          _id: { tried: "$tryOnStarted", purchased: "$purchased", seen: "$seen" },
          sessions: { $sum: 1 },
          widgetShown: { $sum: "$widgetShown" },
          tryOnStarted: { $sum: "$tryOnStarted" },
          tryOnRendered: { $sum: "$tryOnRendered" },
          addToCart: { $sum: "$addToCart" },
          purchased: { $sum: "$purchased" },
        },
      },
    ]);
    return rows.map((row) => ({
      tried: row._id?.tried ?? 0,
      purchased: row._id?.purchased ?? 0,
      seen: row._id?.seen ?? 0,
      sessions: row.sessions,
      widgetShown: row.widgetShown,
      tryOnStarted: row.tryOnStarted,
      tryOnRendered: row.tryOnRendered,
      addToCart: row.addToCart,
      purchasedSessions: row.purchased,
    }));
  }

  /** The groups of every day in `days`; `totalsByDay` are the days' tenant-wide daily docs, read just before. */
  async function groups(
    tenantId: string,
    days: string[],
    totalsByDay: Map<string, DailyDoc[]>,
  ): Promise<FunnelGroup[]> {
    const now = Date.now();
    const known = new Map((await cached.find(tenantId, { id: { $in: days } })).map((doc) => [doc.id, doc] as const));
    const out: FunnelGroup[] = [];
    for (const day of days) {
      const totals = totalsByDay.get(day);
      const fingerprint = totals ? dayFingerprint(totals) : null;
      const hit = known.get(day);
      if (fingerprint !== null && hit?.fingerprint === fingerprint) {
        out.push(...hit.groups);
        continue;
      }
      const fresh = await groupDay(tenantId, day);
      out.push(...fresh);
      const expiresAt = new Date(Date.parse(`${day}T00:00:00Z`) + options.retentionDays * DAY_MS);
      // A day nothing was counted on is not kept (its groups are empty and cost nothing to read).
      if (fingerprint !== null && expiresAt.getTime() > now) {
        await cached.updateOne(
          tenantId,
          { id: day },
          { $set: { fingerprint, groups: fresh, expiresAt } },
          { upsert: true },
        );
      }
    }
    return out;
  }

  return { groups };
}
