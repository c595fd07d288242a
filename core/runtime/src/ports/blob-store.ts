/**
 * BlobStore: binary objects (photos with consent, renders, frame assets). Filesystem by
 * default; a cloud object store implements the same port. Keys are `/`-separated paths
 * that start with the tenant id, so a tenant's blobs can be listed and erased together.
 */
export interface BlobMetadata {
  key: string;
  contentType: string;
  size: number;
  createdAt: string;
  /** Free-form string tags (e.g. shopperId) used by privacy export and erasure. */
  tags: Record<string, string>;
}

export interface BlobStore {
  readonly kind: "filesystem" | "cloud";
  put(
    key: string,
    data: Uint8Array,
    options: { contentType: string; tags?: Record<string, string> },
  ): Promise<BlobMetadata>;
  get(key: string): Promise<{ data: Buffer; metadata: BlobMetadata } | null>;
  head(key: string): Promise<BlobMetadata | null>;
  delete(key: string): Promise<boolean>;
  /** Metadata of every blob under the prefix, in key order. */
  list(prefix: string): Promise<BlobMetadata[]>;
  ping(): Promise<void>;
}
