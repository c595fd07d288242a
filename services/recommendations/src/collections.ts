import type { CollectionDefinition } from "@varai/runtime";

/**
 * Collections only this service reads and writes. (`products`, `face_measurements` and
 * `analytics_events` come from the shared COLLECTIONS in @varai/runtime.)
 */
export const RECS_COLLECTIONS = {
  /**
   * What was recommended to whom: `{ id, tenantId, shopperId, faceAnalysisId, profile, filters,
   * items: [{productId, score}], modelVersion, createdAt, expiresAt }`. Kept for analytics and
   * as training context; erased per shopper through the privacy port.
   */
  recommendations: {
    name: "recommendations",
    scope: "tenant",
    indexes: [
      { fields: { shopperId: 1, createdAt: -1 }, name: "by_shopper" },
      { fields: { createdAt: -1 }, name: "by_time" },
    ],
    ttlField: "expiresAt",
  },
  /** Every trained model: version, status, metrics, dates and the serialised weights. */
  mlModels: {
    name: "ml_models",
    scope: "tenant",
    indexes: [{ fields: { kind: 1, version: -1 }, unique: true, name: "by_kind_version" }],
  },
  /** One-time data migrations done on this store (id = the migration). */
  migrations: { name: "recommendations_migrations", scope: "global" },
  /** One document per version of a tenant's style rules; the highest version is in force. */
  rules: {
    name: "recommendation_rules",
    scope: "tenant",
    indexes: [{ fields: { version: -1 }, unique: true, name: "by_version" }],
  },
} as const satisfies Record<string, CollectionDefinition>;

export const MODEL_KIND = "recommendations.preference";
