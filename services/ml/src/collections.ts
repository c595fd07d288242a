import { COLLECTIONS, type RuntimeDeps } from "@varai/runtime";
import type { FaceAnalysis, FaceMeasurements, FaceShape, Product } from "@varai/schema";

/** A stored consented analysis (COLLECTIONS.faceMeasurements). */
export interface FaceMeasurementDoc {
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

/** Catalog's products, read only here: a try-on needs the product's prepared asset. */
export type ProductDoc = Product & { id: string };

export function openMlCollections(store: RuntimeDeps["store"]) {
  return {
    faces: store.tenantCollection<FaceMeasurementDoc>(COLLECTIONS.faceMeasurements),
    products: store.tenantCollection<ProductDoc>(COLLECTIONS.products),
  };
}

export type MlCollections = ReturnType<typeof openMlCollections>;
