import { ITEM_DIM, PAIR_DIM, POPULARITY_OFFSET } from "./features.ts";
import type { PreferenceWeights } from "./preference-weights.ts";

// Serving the preference model never touches TensorFlow: the item side (w·x, B·x) is
// precomputed per catalog into Float32Arrays, and a request is one k-vector and one dot product
// per frame (the ranker inlines itemScore in its loop).

/** The item tower for a catalog: linear term and factor vector per item. */
export interface ItemSide {
  linear: Float32Array;
  factors: Float32Array;
}

/**
 * Precomputes w·x and B·x for every item. `popularity` (per row) overrides the feature column,
 * so the catalog's feature rows are shared and never copied.
 */
export function prepareItemSide(
  weights: PreferenceWeights,
  items: Float32Array,
  count: number,
  popularity: Float32Array | null,
): ItemSide {
  const k = weights.factors;
  const linear = new Float32Array(count);
  const factors = new Float32Array(count * k);
  for (let i = 0; i < count; i++) {
    const row = i * ITEM_DIM;
    let lin = 0;
    for (let d = 0; d < ITEM_DIM; d++) {
      const x = popularity && d === POPULARITY_OFFSET ? (popularity[i] as number) : (items[row + d] as number);
      if (x === 0) continue;
      lin += x * (weights.itemLinear[d] as number);
      const w = d * k;
      const out = i * k;
      for (let f = 0; f < k; f++)
        factors[out + f] = (factors[out + f] as number) + x * (weights.itemFactors[w + f] as number);
    }
    linear[i] = lin;
  }
  return { linear, factors };
}

/** A·c + H·h for one request. */
export function userVector(weights: PreferenceWeights, context: Float32Array, history: Float32Array): Float32Array {
  const k = weights.factors;
  const u = new Float32Array(k);
  const add = (vector: Float32Array, matrix: Float32Array) => {
    for (let d = 0; d < vector.length; d++) {
      const x = vector[d] as number;
      if (x === 0) continue;
      for (let f = 0; f < k; f++) u[f] = (u[f] as number) + x * (matrix[d * k + f] as number);
    }
  };
  add(context, weights.contextFactors);
  add(history, weights.historyFactors);
  return u;
}

export function itemScore(
  weights: PreferenceWeights,
  side: ItemSide,
  u: Float32Array,
  item: number,
  pair: Float32Array,
  pairAt: number,
): number {
  const k = weights.factors;
  let s = side.linear[item] as number;
  for (let p = 0; p < PAIR_DIM; p++) s += (pair[pairAt + p] as number) * (weights.pair[p] as number);
  const o = item * k;
  for (let f = 0; f < k; f++) s += (u[f] as number) * (side.factors[o + f] as number);
  return s;
}
