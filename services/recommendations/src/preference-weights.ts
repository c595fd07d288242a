import { CONTEXT_DIM, HISTORY_DIM, ITEM_DIM, PAIR_DIM } from "./features.ts";

// How trained weights are stored in an `ml_models` document: base64 Float32 arrays, with the
// feature dimensions they were trained for.

/** The learned weights of the preference model (preference-model.ts). */
export interface PreferenceWeights {
  factors: number;
  itemLinear: Float32Array; // ITEM_DIM
  pair: Float32Array; // PAIR_DIM
  contextFactors: Float32Array; // CONTEXT_DIM x factors
  historyFactors: Float32Array; // HISTORY_DIM x factors
  itemFactors: Float32Array; // ITEM_DIM x factors
}

const toBase64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
const fromBase64 = (s: string) => {
  const bytes = Buffer.from(s, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

export interface SerialisedWeights {
  format: "factorisation-v1";
  dims: { item: number; context: number; history: number; pair: number };
  factors: number;
  itemLinear: string;
  pair: string;
  contextFactors: string;
  historyFactors: string;
  itemFactors: string;
}

export function serialiseWeights(w: PreferenceWeights): SerialisedWeights {
  return {
    format: "factorisation-v1",
    dims: { item: ITEM_DIM, context: CONTEXT_DIM, history: HISTORY_DIM, pair: PAIR_DIM },
    factors: w.factors,
    itemLinear: toBase64(w.itemLinear),
    pair: toBase64(w.pair),
    contextFactors: toBase64(w.contextFactors),
    historyFactors: toBase64(w.historyFactors),
    itemFactors: toBase64(w.itemFactors),
  };
}

/** Null when the stored weights were made for other feature dimensions (then: cold start until retrained). */
export function deserialiseWeights(s: SerialisedWeights): PreferenceWeights | null {
  if (
    s.format !== "factorisation-v1" ||
    s.dims.item !== ITEM_DIM ||
    s.dims.context !== CONTEXT_DIM ||
    s.dims.history !== HISTORY_DIM ||
    s.dims.pair !== PAIR_DIM
  ) {
    return null;
  }
  return {
    factors: s.factors,
    itemLinear: fromBase64(s.itemLinear),
    pair: fromBase64(s.pair),
    contextFactors: fromBase64(s.contextFactors),
    historyFactors: fromBase64(s.historyFactors),
    itemFactors: fromBase64(s.itemFactors),
  };
}
