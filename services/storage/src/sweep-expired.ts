import type { BlobStore, DocumentStore, Logger } from "@varai/runtime";
import { isExpired } from "./shopper-blobs.ts";

export interface SweepResult {
  /** Documents past their TTL deleted, over every TTL collection. */
  documents: number;
  /** Shopper photos and renders past their expiry deleted. */
  blobs: number;
}

/**
 * Retention, enforced: deletes every record whose expiry is at or before `now` (face analyses,
 * recommendation history, analytics events and session records, refresh tokens... every
 * collection declared with a TTL) and every expired shopper photo and render, then makes the
 * deletions physical (the store's checkpoint). `now` is explicit so that a test can sweep
 * "91 days later" in-process without moving any clock.
 */
export async function sweepExpired(
  deps: { store: DocumentStore; blobs: BlobStore; logger: Logger },
  now: Date,
): Promise<SweepResult> {
  let blobs = 0;
  // Keys are `<tenant>/photos/...` and `<tenant>/renders/...`; frame assets are not shopper data.
  for (const metadata of await deps.blobs.list("")) {
    if (!/^[^/]+\/(photos|renders)\//.test(metadata.key)) continue;
    if (isExpired(metadata, now) && (await deps.blobs.delete(metadata.key))) blobs++;
  }
  const documents = await deps.store.sweepExpired(now);
  if (documents + blobs > 0) deps.logger.info({ documents, blobs }, "expired shopper data deleted");
  return { documents, blobs };
}
