import type { Product } from "@varai/schema";
import type { WidgetProduct } from "@varai/widget-kit/config";

/** Public storefront data of a product for the widgets (no source ids, stock or merchandising). */
export function toWidgetProduct(
  product: Product,
  options: { url?: (p: Product) => string | null } = {},
): WidgetProduct {
  const variant = product.variants[0];
  const image = [...product.images].sort((a, b) => a.position - b.position)[0];
  const d = product.frame.dimensions;
  return {
    id: product.id,
    title: product.title,
    sku: variant?.sku ?? "",
    brand: product.brand,
    price: variant ? variant.price : null,
    imageUrl: image?.url ?? null,
    imageAlt: image?.alt ?? "",
    url: options.url?.(product) ?? null,
    frame: {
      ...(product.frame.shape ? { shape: product.frame.shape } : {}),
      ...(product.frame.rim ? { rim: product.frame.rim } : {}),
      ...(product.frame.color ? { color: product.frame.color } : {}),
      ...(product.frame.material ? { material: product.frame.material } : {}),
      ...(d.frameWidthMm ? { frameWidthMm: d.frameWidthMm } : {}),
      ...(d.lensWidthMm ? { lensWidthMm: d.lensWidthMm } : {}),
      ...(d.bridgeWidthMm ? { bridgeWidthMm: d.bridgeWidthMm } : {}),
      ...(d.lensHeightMm ? { lensHeightMm: d.lensHeightMm } : {}),
    },
    tryOnReady: product.tryOn.assetStatus === "ready",
    asset: widgetAsset(product.tryOn),
  };
}

function widgetAsset(tryOn: Product["tryOn"]): WidgetProduct["asset"] {
  const { assetId, assetWidthPx, assetHeightPx, lensCentersPx, frameWidthMm } = tryOn;
  if (tryOn.assetStatus !== "ready" || !assetId || !assetWidthPx || !assetHeightPx || !lensCentersPx || !frameWidthMm) {
    return null;
  }
  return {
    path: `/v1/frame-assets/${encodeURIComponent(assetId)}`,
    widthPx: assetWidthPx,
    heightPx: assetHeightPx,
    lensCentersPx,
    frameWidthMm,
  };
}
