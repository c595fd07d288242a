import * as tf from "@tensorflow/tfjs";
import { CONTEXT_DIM, HISTORY_DIM, ITEM_DIM, PAIR_DIM, POPULARITY_OFFSET } from "./features.ts";

/**
 * The preference model: a factorisation model with a context tower and an item tower,
 *
 *   s(face, history, frame) = w·x + v·pair + (A·c + H·h) · (B·x)
 *
 * where x are the frame's features (shape, rim, hashed colour/material/brand, size and price
 * bins, popularity), c the face (shape probabilities, PD and face-width bins), h the mean
 * features of the shopper's recent positives, and pair = (fit, fit known, style) for this face
 * and frame. It is trained with TensorFlow.js on pairwise (BPR) loss from analytics events.
 *
 * Serving never touches TensorFlow: the item side (w·x, B·x) is precomputed per catalog into
 * Float32Arrays, and a request is one k-vector and one dot product per frame.
 */
export interface PreferenceWeights {
  factors: number;
  itemLinear: Float32Array; // ITEM_DIM
  pair: Float32Array; // PAIR_DIM
  contextFactors: Float32Array; // CONTEXT_DIM x factors
  historyFactors: Float32Array; // HISTORY_DIM x factors
  itemFactors: Float32Array; // ITEM_DIM x factors
}

export interface TrainingSet {
  /** Item feature rows (ITEM_DIM each) with the popularity column filled. */
  items: Float32Array;
  itemCount: number;
  /** Per example, oldest first. */
  contexts: Float32Array; // m x CONTEXT_DIM
  histories: Float32Array; // m x HISTORY_DIM
  positives: Int32Array; // item row
  weights: Float32Array;
  /** Writes the pair features of (example, item) at out[at..at+PAIR_DIM). */
  pair(example: number, item: number, out: Float32Array, at: number): void;
}

export interface TrainOptions {
  factors?: number;
  epochs?: number;
  batchSize?: number;
  negatives?: number;
  learningRate?: number;
  l2?: number;
  /** Share of the newest examples held out to measure the model (and the rules) on. */
  holdoutShare?: number;
  seed?: number;
}

export interface TrainMetrics {
  examples: number;
  trainExamples: number;
  holdoutExamples: number;
  epochs: number;
  finalLoss: number;
  /** P(score of an interacted frame > score of a random frame) on the newest examples. */
  holdoutAuc: number;
  /** The same for fit + style alone: the bar the model must clear to be used. */
  rulesHoldoutAuc: number;
  durationMs: number;
}

/** tfjs keeps one engine per process: use the backend another part of the process chose, else cpu. */
async function ensureBackend(): Promise<void> {
  const engine = tf.engine() as unknown as { backendName: string | null };
  if (engine.backendName) return;
  // We chose the backend, so nothing else in the process uses tfjs: production mode skips
  // debug checks (and the "install tfjs-node" console banner, which cannot install offline).
  tf.env().set("PROD", true);
  await tf.setBackend("cpu");
}

/** Mulberry32: a seeded generator so that a training run is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rules-only score of a pair: the fit + style mix the service uses without a model. */
const rulesPairScore = (pair: Float32Array, at: number) =>
  (pair[at + 1] as number) > 0
    ? 0.55 * (pair[at] as number) + 0.45 * (pair[at + 2] as number)
    : (pair[at + 2] as number);

export async function trainPreferenceWeights(
  data: TrainingSet,
  options: TrainOptions = {},
): Promise<{ weights: PreferenceWeights; metrics: TrainMetrics }> {
  const started = performance.now();
  await ensureBackend();
  const k = options.factors ?? 32;
  const epochs = options.epochs ?? 8;
  const batchSize = options.batchSize ?? 512;
  const negatives = options.negatives ?? 3;
  const l2 = options.l2 ?? 1e-4;
  const random = seededRandom(options.seed ?? 7);
  const m = data.positives.length;
  const holdout = Math.min(Math.floor(m * (options.holdoutShare ?? 0.1)), 20_000);
  const trainCount = m - holdout;

  const init = (rows: number) => tf.variable(tf.randomNormal([rows, k], 0, 0.05, "float32", options.seed ?? 7));
  const A = init(CONTEXT_DIM);
  const H = init(HISTORY_DIM);
  const B = init(ITEM_DIM);
  const wItem = tf.variable(tf.zeros([ITEM_DIM, 1]));
  const wPair = tf.variable(tf.zeros([PAIR_DIM, 1]));
  const optimizer = tf.train.adam(options.learningRate ?? 0.02);

  const rows = batchSize * negatives;
  const C = new Float32Array(rows * CONTEXT_DIM);
  const Hh = new Float32Array(rows * HISTORY_DIM);
  const Xp = new Float32Array(rows * ITEM_DIM);
  const Xn = new Float32Array(rows * ITEM_DIM);
  const Pp = new Float32Array(rows * PAIR_DIM);
  const Pn = new Float32Array(rows * PAIR_DIM);
  const W = new Float32Array(rows);
  const order = Int32Array.from({ length: trainCount }, (_, i) => i);
  let finalLoss = Number.NaN;

  const score = (c: tf.Tensor, h: tf.Tensor, x: tf.Tensor, p: tf.Tensor) => {
    const u = tf.add(tf.matMul(c, A), tf.matMul(h, H));
    const v = tf.matMul(x, B);
    return tf.add(tf.add(tf.matMul(x, wItem), tf.matMul(p, wPair)).reshape([-1]), tf.sum(tf.mul(u, v), 1));
  };

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = trainCount - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    let epochLoss = 0;
    let batches = 0;
    for (let start = 0; start < trainCount; start += batchSize) {
      const end = Math.min(trainCount, start + batchSize);
      let r = 0;
      for (let e = start; e < end; e++) {
        const ex = order[e] as number;
        const pos = data.positives[ex] as number;
        for (let q = 0; q < negatives; q++, r++) {
          let neg = Math.floor(random() * data.itemCount);
          if (neg === pos) neg = (neg + 1) % data.itemCount;
          C.set(data.contexts.subarray(ex * CONTEXT_DIM, (ex + 1) * CONTEXT_DIM), r * CONTEXT_DIM);
          Hh.set(data.histories.subarray(ex * HISTORY_DIM, (ex + 1) * HISTORY_DIM), r * HISTORY_DIM);
          Xp.set(data.items.subarray(pos * ITEM_DIM, (pos + 1) * ITEM_DIM), r * ITEM_DIM);
          Xn.set(data.items.subarray(neg * ITEM_DIM, (neg + 1) * ITEM_DIM), r * ITEM_DIM);
          data.pair(ex, pos, Pp, r * PAIR_DIM);
          data.pair(ex, neg, Pn, r * PAIR_DIM);
          W[r] = data.weights[ex] as number;
        }
      }
      const loss = tf.tidy((): tf.Scalar => {
        const c = tf.tensor2d(C.subarray(0, r * CONTEXT_DIM), [r, CONTEXT_DIM]);
        const h = tf.tensor2d(Hh.subarray(0, r * HISTORY_DIM), [r, HISTORY_DIM]);
        const xp = tf.tensor2d(Xp.subarray(0, r * ITEM_DIM), [r, ITEM_DIM]);
        const xn = tf.tensor2d(Xn.subarray(0, r * ITEM_DIM), [r, ITEM_DIM]);
        const pp = tf.tensor2d(Pp.subarray(0, r * PAIR_DIM), [r, PAIR_DIM]);
        const pn = tf.tensor2d(Pn.subarray(0, r * PAIR_DIM), [r, PAIR_DIM]);
        const w = tf.tensor1d(W.subarray(0, r));
        return optimizer.minimize(() => {
          const margin = tf.sub(score(c, h, xp, pp), score(c, h, xn, pn));
          const bpr = tf.div(tf.sum(tf.mul(w, tf.softplus(tf.neg(margin)))), tf.sum(w));
          const reg = tf.mul(l2, tf.add(tf.add(tf.sum(tf.square(A)), tf.sum(tf.square(H))), tf.sum(tf.square(B))));
          return tf.add(bpr, reg) as tf.Scalar;
        }, true) as tf.Scalar;
      });
      epochLoss += (await loss.data())[0] as number;
      loss.dispose();
      batches++;
      // Training shares the process with request handling: give the event loop a turn per batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
    finalLoss = epochLoss / Math.max(1, batches);
  }

  const weights: PreferenceWeights = {
    factors: k,
    itemLinear: new Float32Array(await wItem.data()),
    pair: new Float32Array(await wPair.data()),
    contextFactors: new Float32Array(await A.data()),
    historyFactors: new Float32Array(await H.data()),
    itemFactors: new Float32Array(await B.data()),
  };
  tf.dispose([A, H, B, wItem, wPair]);
  optimizer.dispose();

  // Holdout AUC with the serving code path (not TensorFlow), against the rules on the same pairs.
  let modelWins = 0;
  let rulesWins = 0;
  let pairs = 0;
  const pair = new Float32Array(2 * PAIR_DIM);
  const side = prepareItemSide(weights, data.items, data.itemCount, null);
  for (let ex = trainCount; ex < m; ex++) {
    const u = userVector(
      weights,
      data.contexts.subarray(ex * CONTEXT_DIM, (ex + 1) * CONTEXT_DIM),
      data.histories.subarray(ex * HISTORY_DIM, (ex + 1) * HISTORY_DIM),
    );
    const pos = data.positives[ex] as number;
    for (let q = 0; q < 5; q++) {
      const neg = Math.floor(random() * data.itemCount);
      if (neg === pos) continue;
      data.pair(ex, pos, pair, 0);
      data.pair(ex, neg, pair, PAIR_DIM);
      const sp = itemScore(weights, side, u, pos, pair, 0);
      const sn = itemScore(weights, side, u, neg, pair, PAIR_DIM);
      modelWins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
      const rp = rulesPairScore(pair, 0);
      const rn = rulesPairScore(pair, PAIR_DIM);
      rulesWins += rp > rn ? 1 : rp === rn ? 0.5 : 0;
      pairs++;
    }
  }
  return {
    weights,
    metrics: {
      examples: m,
      trainExamples: trainCount,
      holdoutExamples: holdout,
      epochs,
      finalLoss,
      holdoutAuc: pairs ? modelWins / pairs : Number.NaN,
      rulesHoldoutAuc: pairs ? rulesWins / pairs : Number.NaN,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

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
