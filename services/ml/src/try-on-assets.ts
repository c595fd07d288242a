import { blobKeys, type RuntimeDeps } from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { MlCollections } from "./collections.ts";
import type { FrameAssetInfo } from "./render/placement.ts";
import { type DecodedAsset, decodeAsset } from "./render/render.ts";

/** Decoded frame assets are small and reused by every try-on of a product; this many are kept. */
const ASSET_CACHE_MAX = 64;

export interface TryOnAsset {
  info: FrameAssetInfo;
  /** Decoded pixels, fetched on first use and cached (a JSON try-on never waits for them). */
  decoded: Promise<DecodedAsset>;
}

/** A product's prepared try-on asset, or UNKNOWN_PRODUCT / ASSET_NOT_READY before any photo work. */
export function createTryOnAssets(deps: RuntimeDeps, products: MlCollections["products"]) {
  const cache = new Map<string, Promise<DecodedAsset>>();

  function decoded(key: string): Promise<DecodedAsset> {
    let found = cache.get(key);
    if (!found) {
      found = deps.blobs.get(key).then((blob) => {
        if (!blob)
          throw new AppError("CONFLICT", "The try-on asset is missing", { details: { reason: "ASSET_NOT_READY" } });
        return decodeAsset(blob.data);
      });
      found.catch(() => cache.delete(key));
      if (cache.size >= ASSET_CACHE_MAX) cache.delete(cache.keys().next().value as string);
      cache.set(key, found);
    }
    return found;
  }

  return async function load(tenantId: string, productId: string): Promise<TryOnAsset> {
    const product = await products.findById(tenantId, productId);
    if (!product || product.status === "deleted") {
      throw new AppError("NOT_FOUND", "Unknown product", { details: { reason: "UNKNOWN_PRODUCT" } });
    }
    const t = product.tryOn;
    if (
      t?.assetStatus !== "ready" ||
      !t.assetId ||
      !t.assetWidthPx ||
      !t.assetHeightPx ||
      !t.lensCentersPx ||
      !t.frameWidthMm
    ) {
      throw new AppError("CONFLICT", "This product has no try-on asset ready", {
        details: { reason: "ASSET_NOT_READY", assetStatus: t?.assetStatus ?? "none" },
      });
    }
    const info: FrameAssetInfo = {
      assetId: t.assetId,
      widthPx: t.assetWidthPx,
      heightPx: t.assetHeightPx,
      lensCentersPx: t.lensCentersPx,
      frameWidthMm: t.frameWidthMm,
      frameWidthIsDefault: t.frameWidthIsDefault ?? false,
    };
    return { info, decoded: decoded(blobKeys.frameAsset(tenantId, t.assetId)) };
  };
}

export type LoadTryOnAsset = ReturnType<typeof createTryOnAssets>;
