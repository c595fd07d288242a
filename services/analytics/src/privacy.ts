import { COLLECTIONS, type DocumentStore, type PrivacyParticipant, type PrivacySubject } from "@varai/runtime";
import { ANALYTICS_COLLECTIONS, type DailyDoc, type SessionDayDoc } from "./collections.ts";
import type { RawEventDoc } from "./schemas.ts";

/** Strips processor bookkeeping so an export shows the event as it was received. */
function publicEvent(doc: RawEventDoc): Record<string, unknown> {
  const { batchId: _batchId, expiresAt, ...event } = doc;
  return {
    kind: "analytics_event",
    ...event,
    expiresAt: expiresAt instanceof Date ? expiresAt.toISOString() : expiresAt,
  };
}

function publicSessionDay(doc: SessionDayDoc): Record<string, unknown> {
  const { expiresAt, v: _v, createdBy: _createdBy, ...session } = doc;
  return {
    kind: "analytics_session_day",
    ...session,
    expiresAt: expiresAt instanceof Date ? expiresAt.toISOString() : expiresAt,
  };
}

/**
 * Shopper data here: raw events (carry `shopperId` and `sessionId`) and session-day docs. A
 * shopper's data is what carries their id plus everything of the sessions they were seen in
 * (events sent before they were identified carry no shopperId): export and erase walk exactly
 * that one set (`shopperScope`). Daily aggregates are anonymous counts, so a shopper erasure
 * leaves them as they are; a tenant erasure removes them too. Shoppers are found by
 * `shopperId` (we never hold emails).
 */
export function createAnalyticsPrivacy(
  store: DocumentStore,
  options: { maxTenantExportEvents: number },
): PrivacyParticipant {
  const raw = store.tenantCollection<RawEventDoc>(COLLECTIONS.analyticsEvents);
  const daily = store.tenantCollection<DailyDoc>(ANALYTICS_COLLECTIONS.daily);
  const sessionDays = store.tenantCollection<SessionDayDoc>(ANALYTICS_COLLECTIONS.sessionDays);
  const applied = store.tenantCollection(ANALYTICS_COLLECTIONS.appliedBatches);

  /** The filters that select one shopper's events and session records (export and erase share them). */
  async function shopperScope(tenantId: string, shopperId: string) {
    const [events, days] = await Promise.all([
      raw.find(tenantId, { shopperId }, { projection: { sessionId: 1 } }),
      sessionDays.find(tenantId, { shopperId }, { projection: { sessionId: 1 } }),
    ]);
    const sessions = [...new Set([...events, ...days].map((e) => e.sessionId))];
    const filter = sessions.length > 0 ? { $or: [{ shopperId }, { sessionId: { $in: sessions } }] } : { shopperId };
    return { events: filter, sessionDays: filter };
  }

  return {
    name: "analytics.events",
    async export(subject: PrivacySubject) {
      if (subject.kind === "shopper") {
        if (!subject.shopperId) return [];
        const scope = await shopperScope(subject.tenantId, subject.shopperId);
        const [events, sessions] = await Promise.all([
          raw.find(subject.tenantId, scope.events, { sort: { occurredAt: 1 } }),
          sessionDays.find(subject.tenantId, scope.sessionDays, { sort: { day: 1 } }),
        ]);
        return [...events.map(publicEvent), ...sessions.map(publicSessionDay)];
      }
      const aggregates = await daily.find(subject.tenantId, {}, { sort: { day: 1, productId: 1 } });
      const events = await raw.find(
        subject.tenantId,
        {},
        { sort: { occurredAt: 1 }, limit: options.maxTenantExportEvents + 1 },
      );
      const out: Record<string, unknown>[] = aggregates.map(({ ledger: _ledger, ...doc }) => ({
        kind: "analytics_daily",
        ...doc,
      }));
      out.push(...events.slice(0, options.maxTenantExportEvents).map(publicEvent));
      if (events.length > options.maxTenantExportEvents) {
        out.push({
          kind: "truncated",
          detail: `raw events beyond the first ${options.maxTenantExportEvents} are not included`,
        });
      }
      return out;
    },
    async erase(subject: PrivacySubject) {
      const { tenantId } = subject;
      if (subject.kind === "tenant") {
        const counts = await Promise.all([
          raw.deleteMany(tenantId, {}),
          daily.deleteMany(tenantId, {}),
          sessionDays.deleteMany(tenantId, {}),
          applied.deleteMany(tenantId, {}),
        ]);
        return counts.reduce((a, b) => a + b, 0);
      }
      if (!subject.shopperId) return 0;
      const scope = await shopperScope(tenantId, subject.shopperId);
      const [events, sessions] = await Promise.all([
        raw.deleteMany(tenantId, scope.events),
        sessionDays.deleteMany(tenantId, scope.sessionDays),
      ]);
      return events + sessions;
    },
  };
}
