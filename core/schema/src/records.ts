import type { AnalyticsEvent } from "./events.ts";
import type { FaceAnalysis, FaceMeasurements, FaceShape } from "./face.ts";

// Documents of collections that one service writes and others read (runtime's COLLECTIONS
// names each one's owner). Readers use these types and never keep copies (ADR 0006).

/** A consented face analysis (`face_measurements`): written by ml with a TTL; read by recommendations and try-on. */
export interface FaceMeasurementRecord {
  id: string;
  tenantId: string;
  shopperId: string | null;
  measurements: FaceMeasurements;
  faceShape: { label: FaceShape; scores: Partial<Record<FaceShape, number>> };
  /** Always a measured analysis: a withheld one is never stored. */
  analysis: FaceAnalysis;
  createdAt: string;
  expiresAt: Date;
}

/** A stored analytics event (`analytics_events`): written by analytics' processor; read by recommendations training. */
export type AnalyticsEventRecord = AnalyticsEvent & {
  /** From the tenant's event retention: the sweep and MongoDB's TTL index delete it then. */
  expiresAt: Date;
  /** The accepted batch that wrote it (the processor counts each event in exactly one batch). */
  batchId: string;
};
