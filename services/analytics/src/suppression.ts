import type { BaseDocument, DocumentStore, ShopperIdentity } from "@varai/runtime";
import type { AnalyticsEventInput } from "@varai/schema";
import { ANALYTICS_COLLECTIONS } from "./collections.ts";

/**
 * A redaction of a shopper (or of one of the sessions they were seen in) that the event
 * pipeline must honour after the fact: a batch accepted before the redaction but processed
 * after it, or a dead letter requeued later, must not bring the shopper's events back. The
 * record names the shopper or session only by a keyed digest (`sh_` / `se_` + HMAC with the
 * server's hash key), so it holds no id a copy of the database could be searched for.
 */
export interface SuppressionDoc extends BaseDocument {
  tenantId: string;
  digest: string;
  /** ISO time of the redaction: batches received at or before it lose the events it covers. */
  redactedAt: string;
  expiresAt: Date;
}

/**
 * How long a suppression is kept: far longer than a batch waits in the queue (seconds), and
 * dead letters are scrubbed by the redaction itself, so only a late requeue of a letter
 * written after the scrub could still need it.
 */
export const SUPPRESSION_TTL_MS = 30 * 86_400_000;

/** Shopper or session id -> the (ISO) time of the redaction that covers it. */
export interface SuppressedIds {
  shopperIds: Map<string, string>;
  sessionIds: Map<string, string>;
}

export interface Screened {
  events: AnalyticsEventInput[];
  /** Shoppers and sessions whose events were taken out (empty when none were). */
  dropped: SuppressedIds;
  /**
   * Sessions a suppressed shopper appears in within this batch that no suppression names yet
   * (the redaction ran before any of their events was stored): the caller suppresses them too,
   * so anonymous events of theirs in other batches go as well.
   */
  implicated: Map<string, string>;
}

export interface Suppressions {
  /** Records that everything of these shoppers and sessions up to `at` is erased. */
  suppress(tenantId: string, ids: { shopperIds?: string[]; sessionIds?: string[] }, at: Date): Promise<void>;
  /**
   * Takes out of a batch received at `receivedAt` the events a later (or simultaneous)
   * redaction covers: those of a suppressed shopper or session, and every event of a session
   * a suppressed shopper appears in within the batch (a redaction takes the shopper's sessions).
   */
  screen(tenantId: string, receivedAt: string, events: AnalyticsEventInput[]): Promise<Screened>;
  eraseTenant(tenantId: string): Promise<number>;
}

export function createSuppressions(store: DocumentStore, shoppers: ShopperIdentity): Suppressions {
  const docs = store.tenantCollection<SuppressionDoc>(ANALYTICS_COLLECTIONS.suppressions);
  // Every batch is screened twice and its sessions recur across batches: an HMAC per event
  // (~3 µs) was most of a screen's cost, so digests are memoised (bounded; cleared when full).
  const memo = new Map<string, string>();
  const keyOf = (kind: "sh" | "se", tenantId: string, id: string) => {
    const input = `${tenantId}\u0000${kind === "sh" ? "shopper" : "session"}\u0000${id}`;
    let key = memo.get(input);
    if (key === undefined) {
      if (memo.size >= 50_000) memo.clear();
      key = `${kind}_${shoppers.digest(input)}`;
      memo.set(input, key);
    }
    return key;
  };
  const shopperKey = (tenantId: string, id: string) => keyOf("sh", tenantId, id);
  const sessionKey = (tenantId: string, id: string) => keyOf("se", tenantId, id);

  return {
    async suppress(tenantId, ids, at) {
      const keys = [
        ...(ids.shopperIds ?? []).map((id) => shopperKey(tenantId, id)),
        ...(ids.sessionIds ?? []).map((id) => sessionKey(tenantId, id)),
      ];
      const redactedAt = at.toISOString();
      const expiresAt = new Date(at.getTime() + SUPPRESSION_TTL_MS);
      await Promise.all(
        [...new Set(keys)].map((digest) =>
          docs.updateOne(
            tenantId,
            { id: digest },
            // $max: a second redaction of the same shopper only ever moves the cut-off later.
            { $max: { redactedAt, expiresAt }, $setOnInsert: { digest } },
            { upsert: true },
          ),
        ),
      );
    },

    async screen(tenantId, receivedAt, events) {
      const dropped: SuppressedIds = { shopperIds: new Map(), sessionIds: new Map() };
      const implicated = new Map<string, string>();
      if (events.length === 0) return { events, dropped, implicated };
      const sessions = new Set<string>();
      const shopperSet = new Set<string>();
      for (const event of events) {
        sessions.add(event.sessionId);
        if (event.shopperId) shopperSet.add(event.shopperId);
      }
      const byKey = new Map<string, { kind: "shopper" | "session"; id: string }>();
      for (const id of sessions) byKey.set(sessionKey(tenantId, id), { kind: "session", id });
      for (const id of shopperSet) byKey.set(shopperKey(tenantId, id), { kind: "shopper", id });
      const received = Date.parse(receivedAt);
      const found = await docs.find(tenantId, { id: { $in: [...byKey.keys()] } });
      for (const doc of found) {
        if (Date.parse(doc.redactedAt) < received) continue; // sent after the redaction: a new consent
        const hit = byKey.get(doc.id);
        if (hit) (hit.kind === "shopper" ? dropped.shopperIds : dropped.sessionIds).set(hit.id, doc.redactedAt);
      }
      if (dropped.shopperIds.size === 0 && dropped.sessionIds.size === 0) return { events, dropped, implicated };
      for (const event of events) {
        const at = event.shopperId ? dropped.shopperIds.get(event.shopperId) : undefined;
        if (at === undefined || dropped.sessionIds.has(event.sessionId)) continue;
        dropped.sessionIds.set(event.sessionId, at);
        implicated.set(event.sessionId, at);
      }
      const kept = events.filter(
        (e) => !dropped.sessionIds.has(e.sessionId) && !(e.shopperId && dropped.shopperIds.has(e.shopperId)),
      );
      return { events: kept, dropped, implicated };
    },

    eraseTenant: (tenantId) => docs.deleteMany(tenantId, {}),
  };
}
