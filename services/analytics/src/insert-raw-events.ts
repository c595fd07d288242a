import type { TenantCollection } from "@varai/runtime";
import { type AnalyticsEventRecord, isAppError } from "@varai/schema";

export const isConflict = (error: unknown) => isAppError(error) && error.code === "CONFLICT";

/**
 * Step 2: stores a batch's raw events and returns those the batch owns. An event that already
 * exists is the batch's only if its `batchId` is the batch's (an earlier, interrupted delivery);
 * otherwise it belongs to another batch (a client retry) and is a duplicate.
 */
export async function insertRawEvents(
  raw: TenantCollection<AnalyticsEventRecord>,
  tenantId: string,
  batchId: string,
  docs: AnalyticsEventRecord[],
): Promise<AnalyticsEventRecord[]> {
  try {
    // One write for the whole batch: all or none.
    await raw.insertMany(tenantId, docs);
    return docs;
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  // Some ids exist: a client retry (another batch's events) or an interrupted delivery of this
  // batch. One `$in` read (the `_id` index) tells which, then the rest go in as one write.
  const ids = docs.map((doc) => doc.id);
  for (let round = 0; round < 3; round++) {
    const existing = await raw.find(tenantId, { id: { $in: ids } }, { projection: { batchId: 1 } });
    const ownerOf = new Map(existing.map((doc) => [doc.id, doc.batchId]));
    const missing = docs.filter((doc) => !ownerOf.has(doc.id));
    try {
      if (missing.length > 0) await raw.insertMany(tenantId, missing);
      return docs.filter((doc) => !ownerOf.has(doc.id) || ownerOf.get(doc.id) === batchId);
    } catch (error) {
      if (!isConflict(error)) throw error; // a concurrent batch inserted one of them meanwhile
    }
  }
  const ours: AnalyticsEventRecord[] = [];
  for (const doc of docs) {
    try {
      await raw.insertOne(tenantId, doc);
      ours.push(doc);
    } catch (error) {
      if (!isConflict(error)) throw error;
      const existing = await raw.findById(tenantId, doc.id);
      if (existing?.batchId === batchId) ours.push(doc);
    }
  }
  return ours;
}
