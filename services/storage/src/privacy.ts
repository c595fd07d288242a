import type { BlobMetadata, PrivacyParticipant, PrivacySubject, RuntimeDeps } from "@varai/runtime";
import type { ShopperBlobs } from "./shopper-blobs.ts";

/** What an export shows of a blob: its metadata, never the pixels (photos are biometric data). */
function describe(metadata: BlobMetadata): Record<string, unknown> {
  return {
    key: metadata.key,
    kind: metadata.tags.kind,
    contentType: metadata.contentType,
    size: metadata.size,
    createdAt: metadata.createdAt,
    expiresAt: metadata.tags.expiresAt,
    shopperId: metadata.tags.shopperId,
  };
}

/** `storage.shopper-blobs`: exports a shopper's (or tenant's) blobs as metadata and erases them. */
export function createStoragePrivacy(deps: RuntimeDeps, blobs: ShopperBlobs): PrivacyParticipant {
  async function subjectBlobs(subject: PrivacySubject): Promise<BlobMetadata[]> {
    const all = await blobs.list(subject.tenantId);
    if (subject.kind === "tenant") return all;
    if (!subject.shopperId) return [];
    return all.filter((m) => m.tags.shopperId === subject.shopperId);
  }

  return {
    name: "storage.shopper-blobs",
    async export(subject) {
      return (await subjectBlobs(subject)).map(describe);
    },
    async erase(subject) {
      let removed = 0;
      for (const m of await subjectBlobs(subject)) if (await deps.blobs.delete(m.key)) removed++;
      return removed;
    },
  };
}
