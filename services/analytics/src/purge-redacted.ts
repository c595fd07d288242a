import type { Logger, TenantCollection } from "@varai/runtime";
import type { AnalyticsEventRecord } from "@varai/schema";
import type { SessionDayDoc } from "./collections.ts";
import type { Screened, Suppressions } from "./suppression.ts";

/**
 * Deletes what is stored of the shoppers and sessions a screen dropped, from every batch
 * received up to their redaction (as the erase would have, had it known them), and their
 * session records; a session only now found to be the shopper's is suppressed first.
 * Returns whether the screen dropped anything.
 */
export async function purgeRedacted(
  collections: { raw: TenantCollection<AnalyticsEventRecord>; sessionDays: TenantCollection<SessionDayDoc> },
  suppressions: Suppressions,
  logger: Logger,
  tenantId: string,
  screened: Screened,
): Promise<boolean> {
  const { shopperIds, sessionIds } = screened.dropped;
  if (shopperIds.size === 0 && sessionIds.size === 0) return false;
  const byTime = new Map<string, string[]>();
  for (const [sessionId, at] of screened.implicated) byTime.set(at, [...(byTime.get(at) ?? []), sessionId]);
  await Promise.all([...byTime].map(([at, ids]) => suppressions.suppress(tenantId, { sessionIds: ids }, new Date(at))));
  const upTo = (field: "shopperId" | "sessionId", ids: Map<string, string>) =>
    [...ids].map(([id, at]) => ({ [field]: id, receivedAt: { $lte: at } }));
  await Promise.all([
    collections.raw.deleteMany(tenantId, {
      $or: [...upTo("shopperId", shopperIds), ...upTo("sessionId", sessionIds)],
    }),
    collections.sessionDays.deleteMany(tenantId, {
      $or: [
        ...(shopperIds.size > 0 ? [{ shopperId: { $in: [...shopperIds.keys()] } }] : []),
        ...(sessionIds.size > 0 ? [{ sessionId: { $in: [...sessionIds.keys()] } }] : []),
      ],
    }),
  ]);
  logger.info({ shoppers: shopperIds.size, sessions: sessionIds.size }, "redacted events of queued batches removed");
  return true;
}
