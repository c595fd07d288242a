import type { TenantCollection, Update } from "@varai/runtime";
import type { AnalyticsEventInput, EventType } from "@varai/schema";
import { productKey, type SessionDayDoc, sessionDayId } from "./collections.ts";
import type { SessionDayGroup } from "./count-events.ts";
import { isConflict } from "./insert-raw-events.ts";

const SESSION_FLAG_OF: Partial<Record<EventType, keyof SessionDayDoc>> = {
  widget_shown: "widgetShown",
  try_on_started: "tryOnStarted",
  try_on_rendered: "tryOnRendered",
  add_to_cart: "addToCart",
  purchase: "purchased",
};

/** What a batch owns of one session-day: the products whose distinct-session +1 is its, and the day's own +1. */
export interface SessionDayShare {
  day: string;
  products: string[];
  ownsDay: boolean;
}

const idOf = (group: SessionDayGroup) => sessionDayId(group.day, (group.events[0] as AnalyticsEventInput).sessionId);

/**
 * Step 3: records each session-day of the batch (all of them read with one `$in`), each product
 * owned by the first batch that touched it.
 */
export async function recordSessionDays(
  sessionDays: TenantCollection<SessionDayDoc>,
  tenantId: string,
  batchId: string,
  groups: SessionDayGroup[],
): Promise<SessionDayShare[]> {
  const known = new Map(
    groups.length === 0
      ? []
      : (await sessionDays.find(tenantId, { id: { $in: groups.map(idOf) } })).map((doc) => [doc.id, doc]),
  );
  return Promise.all(
    groups.map(async (group) => {
      const prefetched = known.get(idOf(group)) ?? null;
      return {
        day: group.day,
        ...(await recordSessionDay(sessionDays, tenantId, batchId, group, prefetched)),
      };
    }),
  );
}

/** Returns the products whose distinct-session +1 this batch owns, and whether it owns the session-day itself. */
async function recordSessionDay(
  sessionDays: TenantCollection<SessionDayDoc>,
  tenantId: string,
  batchId: string,
  { day, events, expiresAt }: SessionDayGroup,
  prefetched: SessionDayDoc | null,
): Promise<{ products: string[]; ownsDay: boolean }> {
  const first = events[0] as AnalyticsEventInput;
  const id = sessionDayId(day, first.sessionId);
  const products = [...new Set(events.flatMap((e) => (e.productId ? [e.productId] : [])))];
  const flags: Record<string, 1> = {};
  for (const event of events) {
    const flag = SESSION_FLAG_OF[event.type];
    if (flag) flags[flag] = 1;
    if (event.type !== "purchase") flags.seen = 1;
  }
  const shopperId = events.find((e) => e.shopperId)?.shopperId;
  for (let tryNo = 0; tryNo < 10; tryNo++) {
    // The first round uses the batch's one `$in` read of all its session-day docs.
    const doc = tryNo === 0 ? prefetched : await sessionDays.findById(tenantId, id);
    if (!doc) {
      try {
        await sessionDays.insertOne(tenantId, {
          id,
          day,
          sessionId: first.sessionId,
          ...(shopperId ? { shopperId } : {}),
          createdBy: batchId,
          products: Object.fromEntries(products.map((p) => [productKey(p), batchId])),
          widgetShown: 0,
          tryOnStarted: 0,
          tryOnRendered: 0,
          addToCart: 0,
          purchased: 0,
          seen: 0,
          ...flags,
          v: 1,
          expiresAt,
        });
        return { products, ownsDay: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
        continue; // another batch of the same session created it meanwhile
      }
    }
    const owned = products.filter((p) => {
      const owner = doc.products[productKey(p)];
      return owner === undefined || owner === batchId;
    });
    const set: Record<string, unknown> = {};
    for (const p of owned) set[`products.${productKey(p)}`] = batchId;
    if (shopperId && !doc.shopperId) set.shopperId = shopperId;
    const update: Update = { $inc: { v: 1 }, $max: { ...flags, expiresAt } };
    if (Object.keys(set).length > 0) update.$set = set;
    const result = await sessionDays.updateOne(tenantId, { id, v: doc.v }, update);
    if (result.matched === 1) return { products: owned, ownsDay: doc.createdBy === batchId };
  }
  throw new Error(`session-day ${id}: too much contention`);
}
