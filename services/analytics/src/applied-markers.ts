import type { TenantCollection } from "@varai/runtime";
import type { AppliedBatchDoc } from "./collections.ts";
import { isConflict } from "./insert-raw-events.ts";

interface MarkerWrite {
  tenantId: string;
  doc: AppliedBatchDoc;
  settle: (error?: unknown) => void;
}

/**
 * Steps 1 and 5: the applied-batch markers. Group-committed like the increments: batches
 * finishing together write their markers with one insertMany per tenant. A marker may already
 * exist (two deliveries of one batch); then they are written one by one and the existing one is kept.
 */
export function createAppliedMarkers(applied: TenantCollection<AppliedBatchDoc>) {
  let markers: MarkerWrite[] = [];
  let markersFlushing = false;

  function write(tenantId: string, doc: Omit<AppliedBatchDoc, "tenantId">): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      markers.push({ tenantId, doc: { ...doc, tenantId }, settle: (error) => (error ? reject(error) : resolve()) });
      if (!markersFlushing) void flushMarkers();
    });
  }

  async function flushMarkers(): Promise<void> {
    markersFlushing = true;
    try {
      while (markers.length > 0) {
        const group = markers;
        markers = [];
        const byTenant = new Map<string, MarkerWrite[]>();
        for (const write of group) byTenant.set(write.tenantId, [...(byTenant.get(write.tenantId) ?? []), write]);
        await Promise.all([...byTenant].map(([tenantId, writes]) => insertMarkers(tenantId, writes)));
      }
    } finally {
      markersFlushing = false;
    }
  }

  async function insertMarkers(tenantId: string, writes: MarkerWrite[]): Promise<void> {
    try {
      await applied.insertMany(
        tenantId,
        writes.map((w) => w.doc),
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
        await applied.insertOne(tenantId, write.doc);
        write.settle();
      } catch (error) {
        write.settle(isConflict(error) ? undefined : error);
      }
    }
  }

  /** Whether the batch was fully applied before (its marker exists). */
  const isApplied = async (tenantId: string, batchId: string) => Boolean(await applied.findById(tenantId, batchId));

  return { write, isApplied };
}
