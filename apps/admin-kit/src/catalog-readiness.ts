import { useMemo } from "react";
import type { ProductView } from "./api.ts";
import { useAllProducts } from "./react.ts";

/** What a frame lacks for try-on and fit, by kind, so a screen can filter and explain. */
export interface FrameGaps {
  /** Lens and bridge width: the fit score needs both. */
  size: boolean;
  /** Neither a frame width nor lens + bridge to derive it from: try-on cannot scale the frame. */
  frameWidth: boolean;
  /** The try-on asset is not ready: `none` (never prepared), `pending` or `failed`. */
  asset: "ready" | "none" | "pending" | "failed";
}

export function frameGaps(product: ProductView): FrameGaps {
  const d = product.frame.dimensions;
  return {
    size: !d.lensWidthMm || !d.bridgeWidthMm,
    frameWidth: !d.frameWidthMm && !(d.lensWidthMm && d.bridgeWidthMm),
    asset: product.tryOn.assetStatus,
  };
}

/** The gaps in words, for a table cell (empty: nothing missing). */
export function describeGaps(gaps: FrameGaps): string[] {
  const out: string[] = [];
  if (gaps.size) out.push("size (lens, bridge)");
  if (gaps.frameWidth) out.push("frame width");
  if (gaps.asset === "none") out.push("try-on asset");
  else if (gaps.asset !== "ready") out.push(`try-on asset (${gaps.asset})`);
  return out;
}

export interface CatalogReadiness {
  total: number;
  /** Frames with nothing missing. */
  ready: number;
  missingDimensions: number;
  missingAsset: number;
  /** Every frame that lacks something, with what it lacks, in the catalog's order. */
  needsWork: Array<{ product: ProductView; gaps: FrameGaps; missing: string[] }>;
}

/** How ready the catalog is for try-on: counts and the frames to fix. Pure, for tests and any UI. */
export function catalogReadiness(products: readonly ProductView[]): CatalogReadiness {
  const needsWork: CatalogReadiness["needsWork"] = [];
  let missingDimensions = 0;
  let missingAsset = 0;
  for (const product of products) {
    const gaps = frameGaps(product);
    const missing = describeGaps(gaps);
    if (gaps.size || gaps.frameWidth) missingDimensions++;
    if (gaps.asset !== "ready") missingAsset++;
    if (missing.length > 0) needsWork.push({ product, gaps, missing });
  }
  return {
    total: products.length,
    ready: products.length - needsWork.length,
    missingDimensions,
    missingAsset,
    needsWork,
  };
}

/**
 * The catalog's readiness over every product (`useAllProducts`, so an edit through
 * `useUpdateFrame` or a prepared asset's live event refreshes it). `data` is null while loading.
 */
export function useCatalogReadiness() {
  const products = useAllProducts();
  const data = useMemo(() => (products.data ? catalogReadiness(products.data) : null), [products.data]);
  return { ...products, readiness: data };
}
