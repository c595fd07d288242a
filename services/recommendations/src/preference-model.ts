import * as tf from "@tensorflow/tfjs";
import { CONTEXT_DIM, HISTORY_DIM, ITEM_DIM, PAIR_DIM } from "./features.ts";
import { itemScore, prepareItemSide, userVector } from "./preference-serving.ts";
import type { PreferenceWeights } from "./preference-weights.ts";

/*
 * The preference model: a factorisation model with a context tower and an item tower,
 *
 *   s(face, history, frame) = w·x + v·pair + (A·c + H·h) · (B·x)
 *
 * where x are the frame's features (shape, rim, hashed colour/material/brand, size and price
 * bins, popularity), c the face (shape probabilities, PD and face-width bins), h the mean
 * features of the shopper's recent positives, and pair = (fit, fit known, style) for this face
 * and frame. It is trained with TensorFlow.js on pairwise (BPR) loss from analytics events.
 *
 * Serving never touches TensorFlow (preference-serving.ts); the weights are stored as
 * preference-weights.ts describes.
 */
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

/** Called after each epoch (for the live `training` topic). */
export type EpochListener = (progress: { epoch: number; epochs: number; loss: number }) => void;

export async function trainPreferenceWeights(
  data: TrainingSet,
  options: TrainOptions = {},
  onEpoch?: EpochListener,
): Promise<{ weights: PreferenceWeights; metrics: TrainMetrics }> {
  const started = performance.now();
  await ensureBackend();
  const epochs = options.epochs ?? 8;
  // One generator for the whole run (shuffles, negatives, then the holdout's negatives): a seed
  // gives the same model and the same metrics.
  const random = seededRandom(options.seed ?? 7);
  const m = data.positives.length;
  const holdout = Math.min(Math.floor(m * (options.holdoutShare ?? 0.1)), 20_000);
  const trainCount = m - holdout;
  const { weights, finalLoss } = await fitWeights(data, trainCount, random, options, onEpoch);
  const auc = holdoutAuc(data, weights, trainCount, random);
  return {
    weights,
    metrics: {
      examples: m,
      trainExamples: trainCount,
      holdoutExamples: holdout,
      epochs,
      finalLoss,
      holdoutAuc: auc.model,
      rulesHoldoutAuc: auc.rules,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/** BPR with Adam over the oldest `trainCount` examples, `negatives` random frames per positive. */
async function fitWeights(
  data: TrainingSet,
  trainCount: number,
  random: () => number,
  options: TrainOptions,
  onEpoch?: EpochListener,
): Promise<{ weights: PreferenceWeights; finalLoss: number }> {
  const k = options.factors ?? 32;
  const epochs = options.epochs ?? 8;
  const batchSize = options.batchSize ?? 512;
  const l2 = options.l2 ?? 1e-4;
  const init = (rows: number) => tf.variable(tf.randomNormal([rows, k], 0, 0.05, "float32", options.seed ?? 7));
  const A = init(CONTEXT_DIM);
  const H = init(HISTORY_DIM);
  const B = init(ITEM_DIM);
  const wItem = tf.variable(tf.zeros([ITEM_DIM, 1]));
  const wPair = tf.variable(tf.zeros([PAIR_DIM, 1]));
  const optimizer = tf.train.adam(options.learningRate ?? 0.02);
  const batch = createBatch(data, batchSize, options.negatives ?? 3);
  const order = Int32Array.from({ length: trainCount }, (_, i) => i);
  let finalLoss = Number.NaN;

  const score = (c: tf.Tensor, h: tf.Tensor, x: tf.Tensor, p: tf.Tensor) => {
    const u = tf.add(tf.matMul(c, A), tf.matMul(h, H));
    const v = tf.matMul(x, B);
    return tf.add(tf.add(tf.matMul(x, wItem), tf.matMul(p, wPair)).reshape([-1]), tf.sum(tf.mul(u, v), 1));
  };

  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    let epochLoss = 0;
    let batches = 0;
    for (let start = 0; start < trainCount; start += batchSize) {
      const rows = batch.fill(order, start, Math.min(trainCount, start + batchSize), random);
      const loss = tf.tidy((): tf.Scalar => {
        const { c, h, xp, xn, pp, pn, w } = batch.tensors(rows);
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
    onEpoch?.({ epoch: epoch + 1, epochs, loss: finalLoss });
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
  return { weights, finalLoss };
}

/** Fisher-Yates, in place. */
function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
}

/**
 * The buffers of one batch, reused for every batch: (context, history, positive, negative, pair
 * features, weight) per (example, sampled negative).
 */
function createBatch(data: TrainingSet, batchSize: number, negatives: number) {
  const rows = batchSize * negatives;
  const C = new Float32Array(rows * CONTEXT_DIM);
  const Hh = new Float32Array(rows * HISTORY_DIM);
  const Xp = new Float32Array(rows * ITEM_DIM);
  const Xn = new Float32Array(rows * ITEM_DIM);
  const Pp = new Float32Array(rows * PAIR_DIM);
  const Pn = new Float32Array(rows * PAIR_DIM);
  const W = new Float32Array(rows);
  return {
    /** Fills the rows for examples order[start..end); returns how many rows it wrote. */
    fill(order: Int32Array, start: number, end: number, random: () => number): number {
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
      return r;
    },
    /** The first `r` rows as tensors (call inside tf.tidy). */
    tensors(r: number) {
      return {
        c: tf.tensor2d(C.subarray(0, r * CONTEXT_DIM), [r, CONTEXT_DIM]),
        h: tf.tensor2d(Hh.subarray(0, r * HISTORY_DIM), [r, HISTORY_DIM]),
        xp: tf.tensor2d(Xp.subarray(0, r * ITEM_DIM), [r, ITEM_DIM]),
        xn: tf.tensor2d(Xn.subarray(0, r * ITEM_DIM), [r, ITEM_DIM]),
        pp: tf.tensor2d(Pp.subarray(0, r * PAIR_DIM), [r, PAIR_DIM]),
        pn: tf.tensor2d(Pn.subarray(0, r * PAIR_DIM), [r, PAIR_DIM]),
        w: tf.tensor1d(W.subarray(0, r)),
      };
    },
  };
}

/** Holdout AUC with the serving code path (not TensorFlow), against the rules on the same pairs. */
function holdoutAuc(
  data: TrainingSet,
  weights: PreferenceWeights,
  trainCount: number,
  random: () => number,
): { model: number; rules: number } {
  let modelWins = 0;
  let rulesWins = 0;
  let pairs = 0;
  const pair = new Float32Array(2 * PAIR_DIM);
  const side = prepareItemSide(weights, data.items, data.itemCount, null);
  for (let ex = trainCount; ex < data.positives.length; ex++) {
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
  return { model: pairs ? modelWins / pairs : Number.NaN, rules: pairs ? rulesWins / pairs : Number.NaN };
}
