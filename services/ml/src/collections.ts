import { COLLECTIONS, type RuntimeDeps } from "@varai/runtime";
import type { FaceMeasurementRecord, Product } from "@varai/schema";

/** Catalog's products, read only here: a try-on needs the product's prepared asset. */
export type ProductDoc = Product & { id: string };

export function openMlCollections(store: RuntimeDeps["store"]) {
  return {
    /** Owned here (the writer); its record type is shared with the readers (ADR 0006). */
    faces: store.tenantCollection<FaceMeasurementRecord>(COLLECTIONS.faceMeasurements),
    products: store.tenantCollection<ProductDoc>(COLLECTIONS.products),
  };
}

export type MlCollections = ReturnType<typeof openMlCollections>;
