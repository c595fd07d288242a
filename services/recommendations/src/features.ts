import { FACE_SHAPES, type FaceShape, FRAME_SHAPES, RIM_TYPES } from "@varai/schema";

/**
 * Feature encoding for the preference model. Everything is fixed-width so that a product's
 * features are one row of a Float32Array and a model trained on one catalog still applies
 * after products change (strings are hashed into buckets instead of a growing vocabulary).
 */
const COLOR_BUCKETS = 12;
const MATERIAL_BUCKETS = 6;
const BRAND_BUCKETS = 16;
const WIDTH_EDGES = [130, 135, 140, 145] as const; // 5 bins + unknown
const PRICE_EDGES = [50, 100, 150, 250] as const; // currency units, 5 bins + unknown

const OFFSETS = (() => {
  let at = 0;
  const take = (n: number) => {
    const start = at;
    at += n;
    return start;
  };
  return {
    shape: take(FRAME_SHAPES.length + 1),
    rim: take(RIM_TYPES.length + 1),
    color: take(COLOR_BUCKETS),
    material: take(MATERIAL_BUCKETS),
    brand: take(BRAND_BUCKETS),
    width: take(WIDTH_EDGES.length + 2),
    price: take(PRICE_EDGES.length + 2),
    popularity: take(1),
    bias: take(1),
    total: at,
  };
})();

export const ITEM_DIM = OFFSETS.total;
/** Face shape probabilities, PD bins, face width bins, "no face", bias. */
const PD_EDGES = [58, 62, 66, 70] as const;
const FACE_WIDTH_EDGES = [130, 136, 142, 148] as const;
export const CONTEXT_DIM = FACE_SHAPES.length + (PD_EDGES.length + 1) + (FACE_WIDTH_EDGES.length + 1) + 2;
/** Mean item features of the shopper's recent positives, plus "has history". */
export const HISTORY_DIM = ITEM_DIM + 1;
/** Per (face, frame) pair: fit (0 when unknown), "fit known", style. */
export const PAIR_DIM = 3;
export const POPULARITY_OFFSET = OFFSETS.popularity;

function bucket(value: string, buckets: number): number {
  // FNV-1a: stable across processes and versions, unlike any built-in hash.
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

function bin(value: number, edges: readonly number[]): number {
  if (Number.isNaN(value)) return edges.length + 1;
  let i = 0;
  while (i < edges.length && value >= (edges[i] as number)) i++;
  return i;
}

export const normaliseKey = (value: string | undefined) => (value ?? "").trim().toLowerCase();

export interface ItemFeatureInput {
  shapeSlot: number;
  rimSlot: number;
  color: string;
  material: string;
  brand: string;
  frameWidthMm: number;
  /** Lowest in-stock price in currency units (NaN when unknown); only binned. */
  price: number;
}

/** Writes one product's features (popularity left at 0: it is set from the model's counts). */
export function writeItemFeatures(out: Float32Array, row: number, item: ItemFeatureInput): void {
  const o = row * ITEM_DIM;
  out[o + OFFSETS.shape + item.shapeSlot] = 1;
  out[o + OFFSETS.rim + item.rimSlot] = 1;
  if (item.color) out[o + OFFSETS.color + bucket(item.color, COLOR_BUCKETS)] = 1;
  if (item.material) out[o + OFFSETS.material + bucket(item.material, MATERIAL_BUCKETS)] = 1;
  if (item.brand) out[o + OFFSETS.brand + bucket(item.brand, BRAND_BUCKETS)] = 1;
  out[o + OFFSETS.width + bin(item.frameWidthMm, WIDTH_EDGES)] = 1;
  out[o + OFFSETS.price + bin(item.price, PRICE_EDGES)] = 1;
  out[o + OFFSETS.bias] = 1;
}

export interface ContextInput {
  faceShape: Partial<Record<FaceShape, number>> | null;
  pupillaryDistanceMm: number | null;
  faceWidthMm: number | null;
}

export function contextFeatures(ctx: ContextInput, out = new Float32Array(CONTEXT_DIM), row = 0): Float32Array {
  const o = row * CONTEXT_DIM;
  let at = o;
  for (const shape of FACE_SHAPES) out[at++] = ctx.faceShape?.[shape] ?? 0;
  if (ctx.pupillaryDistanceMm !== null) out[at + bin(ctx.pupillaryDistanceMm, PD_EDGES)] = 1;
  at += PD_EDGES.length + 1;
  if (ctx.faceWidthMm !== null) out[at + bin(ctx.faceWidthMm, FACE_WIDTH_EDGES)] = 1;
  at += FACE_WIDTH_EDGES.length + 1;
  out[at++] = ctx.faceShape === null && ctx.pupillaryDistanceMm === null ? 1 : 0;
  out[at] = 1;
  return out;
}

/** Mean of the given item rows (with popularity) into a history vector. */
export function historyFeatures(
  items: Float32Array,
  popularity: Float32Array | null,
  rows: readonly number[],
  out = new Float32Array(HISTORY_DIM),
  outRow = 0,
): Float32Array {
  const o = outRow * HISTORY_DIM;
  if (rows.length === 0) return out;
  const share = 1 / rows.length;
  for (const r of rows) {
    const src = r * ITEM_DIM;
    for (let k = 0; k < ITEM_DIM; k++) out[o + k] = (out[o + k] as number) + (items[src + k] as number) * share;
    if (popularity)
      out[o + POPULARITY_OFFSET] = (out[o + POPULARITY_OFFSET] as number) + (popularity[r] as number) * share;
  }
  out[o + ITEM_DIM] = 1;
  return out;
}
