import type { CollectionDefinition } from "./ports/document-store.ts";

/**
 * Collections read by more than one service are declared here, once, so that the
 * writer and every reader agree on name, scope, indexes and TTL. A collection used by
 * one service only is declared in that service.
 */
export const COLLECTIONS = {
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
