import type { TenantCollection } from "@varai/runtime";
import type { AppliedBatchDoc } from "./collections.ts";
import { createGroupCommit, type Pending } from "./group-commit.ts";
import { isConflict } from "./insert-raw-events.ts";

type MarkerWrite = Pending<AppliedBatchDoc>;

/**
 * Steps 1 and 5: the applied-batch markers. Group-committed like the increments: batches
 * finishing together write their markers with one insertMany per tenant. A marker may already
 * exist (two deliveries of one batch); then they are written one by one and the existing one is kept.
 */
export function createAppliedMarkers(applied: TenantCollection<AppliedBatchDoc>) {
  async function insertMarkers(tenantId: string, writes: MarkerWrite[]): Promise<void> {
    try {
      await applied.insertMany(
        tenantId,
        writes.map((w) => w.value),
      );
      for (const write of writes) write.settle();
      return;
    } catch (error) {
      if (!isConflict(error)) {
        for (const write of writes) write.settle(error);
        return;
      }
    }
    for (const write of writes) {
      try {
        await applied.insertOne(tenantId, write.value);
        write.settle();
      } catch (error) {
        write.settle(isConflict(error) ? undefined : error);
      }
    }
  }

  const commit = createGroupCommit<AppliedBatchDoc>(async (group) => {
    const byTenant = new Map<string, MarkerWrite[]>();
    for (const write of group) {
      const tenantId = write.value.tenantId;
      byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), write]);
    }
    await Promise.all([...byTenant].map(([tenantId, writes]) => insertMarkers(tenantId, writes)));
  });

  return {
    write: (tenantId: string, doc: Omit<AppliedBatchDoc, "tenantId">) => commit({ ...doc, tenantId }),
    /** Whether the batch was fully applied before (its marker exists). */
    isApplied: async (tenantId: string, batchId: string) => Boolean(await applied.findById(tenantId, batchId)),
  };
}
