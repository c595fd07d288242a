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

/**
 * Shopper data here: raw events (carry `shopperId` and `sessionId`) and session-day docs. Daily
 * aggregates are anonymous counts, so a shopper erasure leaves them as they are; a tenant
 * erasure removes them too. Shoppers are found by `shopperId` (we never hold emails).
 */
export function createAnalyticsPrivacy(
  store: DocumentStore,
  options: { maxTenantExportEvents: number },
): PrivacyParticipant {
  const raw = store.tenantCollection<RawEventDoc>(COLLECTIONS.analyticsEvents);
  const daily = store.tenantCollection<DailyDoc>(ANALYTICS_COLLECTIONS.daily);
  const sessionDays = store.tenantCollection<SessionDayDoc>(ANALYTICS_COLLECTIONS.sessionDays);
  const applied = store.tenantCollection(ANALYTICS_COLLECTIONS.appliedBatches);

  const shopperSessions = async (tenantId: string, shopperId: string) => {
    const events = await raw.find(tenantId, { shopperId }, { projection: { sessionId: 1 } });
    return [...new Set(events.map((e) => e.sessionId))];
  };

  return {
    name: "analytics.events",
    async export(subject: PrivacySubject) {
      if (subject.kind === "shopper") {
        if (!subject.shopperId) return [];
        const events = await raw.find(subject.tenantId, { shopperId: subject.shopperId }, { sort: { occurredAt: 1 } });
        return events.map(publicEvent);
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
      const sessions = await shopperSessions(tenantId, subject.shopperId);
      const [events, byShopper, bySession] = await Promise.all([
        raw.deleteMany(tenantId, { shopperId: subject.shopperId }),
        sessionDays.deleteMany(tenantId, { shopperId: subject.shopperId }),
        sessions.length > 0 ? sessionDays.deleteMany(tenantId, { sessionId: { $in: sessions } }) : 0,
      ]);
      // Events of the shopper's sessions sent before they were identified carry no shopperId.
      const anonymous = sessions.length > 0 ? await raw.deleteMany(tenantId, { sessionId: { $in: sessions } }) : 0;
      return events + byShopper + bySession + anonymous;
    },
  };
}
