import type { FrameDimensions, FrameShape, Product, RimType } from "@varai/schema";
import { ITEM_DIM, normaliseKey, writeItemFeatures } from "./features.ts";
import { frameWidthOf } from "./fit.ts";
import { rimSlot, shapeSlot } from "./style-rules.ts";

/**
 * A tenant's recommendable catalog as column arrays, built once per catalog version so that a
 * request scores every frame with typed-array loops and never scans the store.
 * Only recommendable products are in it: active, and in stock (a variant with stock, or one
 * whose stock the platform does not track).
 */
export interface CatalogIndex {
  catalogVersion: number;
  builtAt: number;
  size: number;
  ids: string[];
  titles: string[];
  shapes: Array<FrameShape | undefined>;
  rims: Array<RimType | undefined>;
  colors: string[];
  dimensions: FrameDimensions[];
  /** NaN where unknown. frameWidth may be an estimate (see fit.ts). */
  frameWidth: Float32Array;
  lensWidth: Float32Array;
  bridgeWidth: Float32Array;
  lensHeight: Float32Array;
  shapeSlot: Uint8Array;
  rimSlot: Uint8Array;
  /** Small integer ids for diversity (equal id = same value) and brand filters. */
  colorId: Int32Array;
  brandId: Int32Array;
  brandIds: Map<string, number>;
  /** Lowest in-stock price in 1/10 000 of the currency unit (exact for decimal strings); NaN when none. */
  priceMinor: Float64Array;
  boost: Float32Array;
  pinned: Uint8Array;
  /** ITEM_DIM features per product (model input). */
  features: Float32Array;
  byId: Map<string, number>;
}

const PRICE_SCALE_DIGITS = 4;

/** "129.5" -> 1_295_000 without passing through a binary fraction; null when not a plain decimal. */
export function priceToMinor(amount: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(amount);
  if (!match) return null;
  const fraction = (match[2] ?? "").slice(0, PRICE_SCALE_DIGITS).padEnd(PRICE_SCALE_DIGITS, "0");
  return Number(match[1]) * 10 ** PRICE_SCALE_DIGITS + Number(fraction);
}

export function isRecommendable(product: Pick<Product, "status" | "variants">): boolean {
  if (product.status !== "active") return false;
  if (product.variants.length === 0) return true;
  return product.variants.some((v) => v.inventoryQuantity === null || v.inventoryQuantity > 0);
}

const orNaN = (value: number | undefined) => (value === undefined ? Number.NaN : value);

export function buildCatalogIndex(products: readonly Product[], catalogVersion: number, now: number): CatalogIndex {
  const eligible = products.filter(isRecommendable);
  const n = eligible.length;
  const index: CatalogIndex = {
    catalogVersion,
    builtAt: now,
    size: n,
    ids: [],
    titles: [],
    shapes: [],
    rims: [],
    colors: [],
    dimensions: [],
    frameWidth: new Float32Array(n),
    lensWidth: new Float32Array(n),
    bridgeWidth: new Float32Array(n),
    lensHeight: new Float32Array(n),
    shapeSlot: new Uint8Array(n),
    rimSlot: new Uint8Array(n),
    colorId: new Int32Array(n),
    brandId: new Int32Array(n),
    brandIds: new Map(),
    priceMinor: new Float64Array(n),
    boost: new Float32Array(n),
    pinned: new Uint8Array(n),
    features: new Float32Array(n * ITEM_DIM),
    byId: new Map(),
  };
  const colorIds = new Map<string, number>();
  const idOf = (map: Map<string, number>, key: string) => {
    let id = map.get(key);
    if (id === undefined) {
      id = map.size;
      map.set(key, id);
    }
    return id;
  };

  eligible.forEach((product, i) => {
    const frame = product.frame ?? { dimensions: {} };
    const dims = frame.dimensions ?? {};
    const width = frameWidthOf(dims);
    index.ids.push(product.id);
    index.titles.push(product.title);
    index.shapes.push(frame.shape);
    index.rims.push(frame.rim);
    index.colors.push(frame.color ?? "");
    index.dimensions.push(dims);
    index.byId.set(product.id, i);
    index.frameWidth[i] = width?.valueMm ?? Number.NaN;
    index.lensWidth[i] = orNaN(dims.lensWidthMm);
    index.bridgeWidth[i] = orNaN(dims.bridgeWidthMm);
    index.lensHeight[i] = orNaN(dims.lensHeightMm);
    index.shapeSlot[i] = shapeSlot(frame.shape);
    index.rimSlot[i] = rimSlot(frame.rim);
    const color = normaliseKey(frame.color);
    const brand = normaliseKey(product.brand);
    index.colorId[i] = color ? idOf(colorIds, color) : -1 - i;
    index.brandId[i] = brand ? idOf(index.brandIds, brand) : -1 - i;
    let price = Number.NaN;
    for (const variant of product.variants) {
      if (variant.inventoryQuantity !== null && variant.inventoryQuantity <= 0) continue;
      const minor = priceToMinor(variant.price.amount);
      if (minor !== null && !(minor >= price)) price = minor;
    }
    index.priceMinor[i] = price;
    index.boost[i] = product.merchandising?.boost ?? 1;
    index.pinned[i] = product.merchandising?.pinned ? 1 : 0;
    writeItemFeatures(index.features, i, {
      shapeSlot: index.shapeSlot[i] as number,
      rimSlot: index.rimSlot[i] as number,
      color,
      material: normaliseKey(frame.material),
      brand,
      frameWidthMm: index.frameWidth[i] as number,
      price: price / 10 ** PRICE_SCALE_DIGITS,
    });
  });
  return index;
}
