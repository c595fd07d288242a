import { type BlobStore, COLLECTIONS, type DocumentStore, daysToMs } from "@varai/runtime";
import type { FaceMeasurementRecord } from "@varai/schema";

/**
 * A tenant lowered its face data retention: face analyses and photos already stored expire no
 * later than `now + days` (the new period, counted from the change), so a shorter period
 * protects what is already kept, not only what comes next. Returns how many records moved.
 * Events and history keep the expiry they were written with (at most their old period).
 */
export async function shortenFaceData(
  deps: { store: DocumentStore; blobs: BlobStore },
  tenantId: string,
  days: number,
  now: Date,
): Promise<number> {
  const cap = new Date(now.getTime() + daysToMs(days));
  // A named exception of ADR 0006: the one write to ml's records outside ml, their expiry only.
  const faces = deps.store.tenantCollection<Pick<FaceMeasurementRecord, "id" | "tenantId" | "expiresAt">>(
    COLLECTIONS.faceMeasurements,
  );
  let moved = (await faces.updateMany(tenantId, { expiresAt: { $gt: cap } }, { $set: { expiresAt: cap } })).modified;
  for (const prefix of [`${tenantId}/photos/`, `${tenantId}/renders/`]) {
    for (const metadata of await deps.blobs.list(prefix)) {
      const expiresAt = Date.parse(metadata.tags.expiresAt ?? "");
      if (!(expiresAt > cap.getTime())) continue;
      const blob = await deps.blobs.get(metadata.key);
      if (!blob) continue;
      await deps.blobs.put(metadata.key, blob.data, {
        contentType: metadata.contentType,
        tags: { ...metadata.tags, expiresAt: cap.toISOString() },
      });
      moved++;
    }
  }
  return moved;
}
