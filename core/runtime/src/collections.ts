import type { CollectionDefinition } from "./ports/document-store.ts";

/**
 * Collections read by more than one service are declared here, once, so that the
 * writer and every reader agree on name, scope, indexes and TTL. A collection used by
 * one service only is declared in that service.
 */
export const COLLECTIONS = {
  /** Tenant (from @varai/schema). Global: a tenant is the scope itself. Written by auth and the demo seed. */
  tenants: {
    name: "tenants",
    scope: "global",
    indexes: [{ fields: { name: 1 }, name: "by_name" }],
  },
  /** Product (from @varai/schema). Written by catalog (and the demo seed); read by ml, recommendations, widgets. */
  products: {
    name: "products",
    scope: "tenant",
    indexes: [
      { fields: { "source.connectionId": 1, "source.externalId": 1 }, unique: true, name: "by_source" },
      { fields: { status: 1, updatedAt: -1 }, name: "by_status" },
    ],
  },
  /**
   * A consented face analysis: { id, tenantId, shopperId: string | null, measurements: FaceMeasurements,
   * faceShape: { label, scores }, analysis: FaceAnalysis (with landmarks), createdAt, expiresAt: Date }.
   * Written by ml with a TTL; read by recommendations and try-on. Never stored without consent.
   */
  faceMeasurements: {
    name: "face_measurements",
    scope: "tenant",
    indexes: [{ fields: { shopperId: 1 }, name: "by_shopper" }],
    ttlField: "expiresAt",
  },
  /** AnalyticsEvent (from @varai/schema) plus `expiresAt: Date` (retention). Written by analytics; read by recommendations training. */
  analyticsEvents: {
    name: "analytics_events",
    scope: "tenant",
    indexes: [
      { fields: { occurredAt: 1 }, name: "by_time" },
      { fields: { shopperId: 1 }, name: "by_shopper" },
      { fields: { sessionId: 1 }, name: "by_session" },
    ],
    ttlField: "expiresAt",
  },
} as const satisfies Record<string, CollectionDefinition>;

/** BlobStore keys always start with the tenant id, so a tenant's blobs list and erase together. */
export const blobKeys = {
  frameAsset: (tenantId: string, assetId: string) => `${tenantId}/frame-assets/${assetId}.png`,
  photo: (tenantId: string, photoId: string) => `${tenantId}/photos/${photoId}`,
  render: (tenantId: string, renderId: string) => `${tenantId}/renders/${renderId}`,
};

/** Queue names shared between a producer and a consumer in different services. */
export const QUEUES = {
  /** `{ tenantId, productId }`: catalog enqueues when a product's images change; ml prepares the try-on asset. */
  frameAssets: "frame-assets",
  /** Enriched AnalyticsEvent batches: analytics ingest -> analytics processor. */
  analyticsEvents: "analytics-events",
} as const;

/** Cache keys shared across services. */
export const cacheKeys = {
  /**
   * A counter catalog increments on every product change of a tenant; readers that cache
   * anything derived from the catalog (recommendations) put it in their cache keys.
   */
  catalogVersion: (tenantId: string) => `catalog:version:${tenantId}`,
};
