import {
  COLLECTIONS,
  type DocumentStore,
  type PrivacyParticipant,
  type PrivacySubject,
  type TenantCollection,
} from "@varai/runtime";
import type { AnalyticsEventRecord } from "@varai/schema";
import { ANALYTICS_COLLECTIONS, type DailyDoc, type SessionDayDoc } from "./collections.ts";
import type { DeadLetterEvents } from "./dead-letter-events.ts";
import type { Suppressions } from "./suppression.ts";

/** Strips processor bookkeeping so an export shows the event as it was received. */
function publicEvent(doc: AnalyticsEventRecord): Record<string, unknown> {
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
 *
 * Events not stored (yet) are in the set too: batches in the queue's dead letters are listed
 * (`analytics_event_not_stored`) and scrubbed, and a batch still waiting in the queue is
 * screened by the processor against the suppression the erase writes first (suppression.ts).
 */
export function createAnalyticsPrivacy(
  store: DocumentStore,
  options: {
    maxTenantExportEvents: number;
    suppressions: Suppressions;
    deadLetters: DeadLetterEvents;
    clock: () => Date;
  },
): PrivacyParticipant {
  const { suppressions, deadLetters } = options;
  const raw = store.tenantCollection<AnalyticsEventRecord>(COLLECTIONS.analyticsEvents);
  const daily = store.tenantCollection<DailyDoc>(ANALYTICS_COLLECTIONS.daily);
  const sessionDays = store.tenantCollection<SessionDayDoc>(ANALYTICS_COLLECTIONS.sessionDays);
  const applied = store.tenantCollection(ANALYTICS_COLLECTIONS.appliedBatches);

  /** The filters that select one shopper's events and session records (export and erase share them). */
  async function shopperScope(tenantId: string, shopperId: string) {
    const [events, days, queued] = await Promise.all([
      raw.find(tenantId, { shopperId }, { projection: { sessionId: 1 } }),
      sessionDays.find(tenantId, { shopperId }, { projection: { sessionId: 1 } }),
      deadLetters.sessionsOf(tenantId, shopperId),
    ]);
    const sessions = [...new Set([...events.map((e) => e.sessionId), ...days.map((d) => d.sessionId), ...queued])];
    const filter = sessions.length > 0 ? { $or: [{ shopperId }, { sessionId: { $in: sessions } }] } : { shopperId };
    return { events: filter, sessionDays: filter, sessions: new Set(sessions) };
  }

  return {
    name: "analytics.events",
    async export(subject: PrivacySubject) {
      if (subject.kind === "shopper") {
        if (!subject.shopperId) return [];
        const scope = await shopperScope(subject.tenantId, subject.shopperId);
        const [events, sessions, notStored] = await Promise.all([
          raw.find(subject.tenantId, scope.events, { sort: { occurredAt: 1 } }),
          sessionDays.find(subject.tenantId, scope.sessionDays, { sort: { day: 1 } }),
          deadLetters.list(subject.tenantId, subject.shopperId, scope.sessions),
        ]);
        return [
          ...events.map(publicEvent),
          ...sessions.map(publicSessionDay),
          // Accepted, then failed every processing attempt: held for an operator to requeue.
          ...notStored.map((event) => ({ kind: "analytics_event_not_stored", ...event })),
        ];
      }
      return exportTenant({ raw, daily }, subject.tenantId, options.maxTenantExportEvents);
    },
    async erase(subject: PrivacySubject) {
      const { tenantId } = subject;
      if (subject.kind === "tenant") {
        const counts = await Promise.all([
          deadLetters.eraseTenant(tenantId),
          suppressions.eraseTenant(tenantId),
          raw.deleteMany(tenantId, {}),
          daily.deleteMany(tenantId, {}),
          sessionDays.deleteMany(tenantId, {}),
          applied.deleteMany(tenantId, {}),
        ]);
        return counts.reduce((a, b) => a + b, 0);
      }
      const { shopperId } = subject;
      if (!shopperId) return 0;
      // The suppression first: a batch the processor picks up from now on (or is writing right
      // now, see processor.ts) drops the shopper's events instead of storing them after this erase.
      const redactedAt = options.clock();
      await suppressions.suppress(tenantId, { shopperIds: [shopperId] }, redactedAt);
      const scope = await shopperScope(tenantId, shopperId);
      await suppressions.suppress(tenantId, { sessionIds: [...scope.sessions] }, redactedAt);
      const queued = await deadLetters.erase(tenantId, shopperId, scope.sessions);
      const [events, sessions] = await Promise.all([
        raw.deleteMany(tenantId, scope.events),
        sessionDays.deleteMany(tenantId, scope.sessionDays),
      ]);
      return queued + events + sessions;
    },
  };
}

/** A tenant's export: every daily aggregate, and the raw events up to `maxEvents` (then a `truncated` record). */
async function exportTenant(
  collections: { raw: TenantCollection<AnalyticsEventRecord>; daily: TenantCollection<DailyDoc> },
  tenantId: string,
  maxEvents: number,
): Promise<Record<string, unknown>[]> {
  const { raw, daily } = collections;
  const aggregates = await daily.find(tenantId, {}, { sort: { day: 1, productId: 1 } });
  const events = await raw.find(tenantId, {}, { sort: { occurredAt: 1 }, limit: maxEvents + 1 });
  const out: Record<string, unknown>[] = aggregates.map(({ ledger: _ledger, ...doc }) => ({
    kind: "analytics_daily",
    ...doc,
  }));
  out.push(...events.slice(0, maxEvents).map(publicEvent));
  if (events.length > maxEvents) {
    out.push({
      kind: "truncated",
      detail: `raw events beyond the first ${maxEvents} are not included`,
    });
  }
  return out;
}
