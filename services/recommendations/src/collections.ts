import { COLLECTIONS, type CollectionDefinition, type DocumentStore } from "@varai/runtime";
import type { AnalyticsEventRecord, FaceMeasurementRecord, Product, StyleRules } from "@varai/schema";
import type { TrainMetrics } from "./preference-model.ts";
import type { SerialisedWeights } from "./preference-weights.ts";
import type { FaceShapeProbabilities } from "./style-rules.ts";

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

export interface RecommendationRecord {
  id: string;
  tenantId: string;
  shopperId: string | null;
  faceAnalysisId: string | null;
  /** Rounded face profile, kept only when it came from a consented face analysis. */
  profile: StoredProfile | null;
  filters: Record<string, unknown>;
  items: Array<{ productId: string; score: number }>;
  modelVersion: string | null;
  createdAt: string;
  expiresAt: Date;
}

export interface StoredProfile {
  faceShape: FaceShapeProbabilities | null;
  pupillaryDistanceMm: number | null;
  faceWidthMm: number | null;
  faceLengthMm: number | null;
}

export interface RulesDoc {
  id: string;
  tenantId: string;
  version: number;
  rules: StyleRules;
  updatedAt: string;
  updatedBy: string;
}

export interface ModelDoc {
  id: string;
  tenantId: string;
  kind: typeof MODEL_KIND;
  version: number;
  status: "active" | "superseded" | "rejected" | "skipped";
  trainedAt: string;
  dataFrom: string | null;
  dataTo: string | null;
  metrics: (TrainMetrics & { usableEvents: number; shoppers: number }) | { usableEvents: number; reason: string };
  weights: SerialisedWeights | null;
  popularity: { ids: string[]; values: number[] } | null;
}

/**
 * The fields of analytics' stored events that training reads (loadUsableEvents projects them);
 * the record type is analytics' (ADR 0006).
 */
export type EventDoc = Pick<
  AnalyticsEventRecord,
  "id" | "tenantId" | "type" | "sessionId" | "shopperId" | "productId" | "occurredAt" | "properties"
>;

/** Every collection this service touches, its own and the shared ones it reads. */
export function openRecsCollections(store: DocumentStore) {
  return {
    products: store.tenantCollection<Product & { tenantId: string }>(COLLECTIONS.products),
    faces: store.tenantCollection<FaceMeasurementRecord>(COLLECTIONS.faceMeasurements),
    events: store.tenantCollection<EventDoc>(COLLECTIONS.analyticsEvents),
    records: store.tenantCollection<RecommendationRecord>(RECS_COLLECTIONS.recommendations),
    models: store.tenantCollection<ModelDoc>(RECS_COLLECTIONS.mlModels),
    rulesDocs: store.tenantCollection<RulesDoc>(RECS_COLLECTIONS.rules),
  };
}
export type RecsCollections = ReturnType<typeof openRecsCollections>;
