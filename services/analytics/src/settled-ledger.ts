import type { Logger, TenantCollection } from "@varai/runtime";
import type { DailyDoc } from "./collections.ts";

/** Settled ledger keys waiting for their aggregate's next update; past this many they are trimmed at once. */
const MAX_SETTLED = 20_000;

/**
 * Ledger keys (`ledger.B` on a daily aggregate) whose batch B has its applied marker, so they
 * may go. Removal rides along with the aggregate's next guarded update (no extra write); a
 * crash leaves at most a few stale keys and never a double count.
 */
export function createSettledLedger(daily: TenantCollection<DailyDoc>, logger: Logger) {
  /** Aggregate id -> ledger keys that may be removed on its next update. */
  const settled = new Map<string, { tenantId: string; batches: string[] }>();

  function remember(aggregateId: string, tenantId: string, batches: string[]) {
    const entry = settled.get(aggregateId);
    if (entry) entry.batches.push(...batches);
    else settled.set(aggregateId, { tenantId, batches: [...batches] });
  }

  /** Removes settled ledger keys now (on stop, or when too many are waiting for a next update). */
  async function flush(): Promise<void> {
    const entries = [...settled.entries()];
    settled.clear();
    for (const [aggregateId, { tenantId, batches }] of entries) {
      const unset = Object.fromEntries(batches.map((b) => [`ledger.${b}`, ""] as const));
      await daily.updateOne(tenantId, { id: aggregateId }, { $unset: unset }).catch((error: unknown) => {
        logger.warn({ err: error, aggregateId }, "could not trim an aggregate ledger");
      });
    }
  }

  return {
    remember,
    flush,
    /** Takes the aggregate's settled keys for its next update (give them back with `remember` if it fails). */
    take(aggregateId: string) {
      const entry = settled.get(aggregateId);
      settled.delete(aggregateId);
      return entry;
    },
    /** After the batch's applied marker is durable: its keys may go with the aggregates' next updates. */
    async settle(tenantId: string, batchId: string, aggregateIds: Iterable<string>): Promise<void> {
      for (const id of aggregateIds) remember(id, tenantId, [batchId]);
      if (settled.size > MAX_SETTLED) await flush();
    },
  };
}

export type SettledLedger = ReturnType<typeof createSettledLedger>;
