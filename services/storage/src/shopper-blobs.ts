import { type BlobMetadata, type BlobStore, blobKeys, type SecretBox } from "@varai/runtime";
import { newId } from "@varai/schema";

/**
 * Shopper photos and try-on renders on the BlobStore. Every such blob carries tags that the
 * retention sweep and the privacy participant read:
 *   kind: "photo" | "render", expiresAt: ISO time, shopperId (when known), ref (e.g. the
 *   face analysis it belongs to).
 * Keys come from `blobKeys` (tenant first), so a tenant's blobs list and erase together.
 */
export const SHOPPER_BLOB_KINDS = ["photo", "render"] as const;
export type ShopperBlobKind = (typeof SHOPPER_BLOB_KINDS)[number];

export interface SaveShopperBlobInput {
  tenantId: string;
  kind: ShopperBlobKind;
  data: Uint8Array;
  contentType: string;
  /** Kept until now + ttlMs; never without an expiry. */
  ttlMs: number;
  /** Instead of now + ttlMs: the expiry of the record the blob belongs to (a photo's analysis). */
  expiresAt?: Date;
  shopperId?: string | null;
  /** Caller's id for the blob (defaults to a new one), e.g. the face analysis id. */
  id?: string;
  ref?: string;
}

export interface ShopperBlobs {
  save(input: SaveShopperBlobInput): Promise<BlobMetadata & { id: string }>;
  get(tenantId: string, kind: ShopperBlobKind, id: string): Promise<{ data: Buffer; metadata: BlobMetadata } | null>;
  delete(tenantId: string, kind: ShopperBlobKind, id: string): Promise<boolean>;
  /** Every shopper blob of a tenant (both kinds). */
  list(tenantId: string): Promise<BlobMetadata[]>;
}

export function shopperBlobKey(tenantId: string, kind: ShopperBlobKind, id: string): string {
  return kind === "photo" ? blobKeys.photo(tenantId, id) : blobKeys.render(tenantId, id);
}

/** Blob metadata is untrusted on read: an expiry that is missing or unparsable counts as expired. */
export function isExpired(metadata: BlobMetadata, now: Date): boolean {
  const expiresAt = Date.parse(metadata.tags.expiresAt ?? "");
  return Number.isNaN(expiresAt) || expiresAt <= now.getTime();
}

/**
 * `box`: when given, the bytes are sealed with it at rest (the configured encryption keys, as
 * for connection credentials) and opened on read; a blob is tagged `sealed` so one written
 * before encryption was configured still reads. Without a box only metadata and deletion work
 * on sealed blobs (listing, the sweep, the privacy participant), which is all they need.
 */
export function createShopperBlobs(
  blobs: BlobStore,
  clock: () => Date = () => new Date(),
  options: { box?: SecretBox } = {},
): ShopperBlobs {
  return {
    async save(input) {
      const id = input.id ?? newId("blob");
      const tags: Record<string, string> = {
        kind: input.kind,
        expiresAt: (input.expiresAt ?? new Date(clock().getTime() + input.ttlMs)).toISOString(),
      };
      if (input.shopperId) tags.shopperId = input.shopperId;
      if (input.ref) tags.ref = input.ref;
      if (options.box) tags.sealed = "secret-box";
      const data = options.box ? options.box.encryptBytes(input.data) : input.data;
      const metadata = await blobs.put(shopperBlobKey(input.tenantId, input.kind, id), data, {
        contentType: input.contentType,
        tags,
      });
      return { ...metadata, id };
    },
    async get(tenantId, kind, id) {
      const found = await blobs.get(shopperBlobKey(tenantId, kind, id));
      // Expired blobs are invisible even before the sweep removes them.
      if (!found || isExpired(found.metadata, clock())) return null;
      if (found.metadata.tags.sealed === undefined) return found;
      if (!options.box) throw new Error(`shopper blob ${found.metadata.key} is sealed and no secret box was given`);
      return { data: options.box.decryptBytes(found.data), metadata: found.metadata };
    },
    delete(tenantId, kind, id) {
      return blobs.delete(shopperBlobKey(tenantId, kind, id));
    },
    async list(tenantId) {
      const [photos, renders] = await Promise.all([
        blobs.list(`${tenantId}/photos/`),
        blobs.list(`${tenantId}/renders/`),
      ]);
      return [...photos, ...renders];
    },
  };
}
