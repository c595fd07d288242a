import type { FaceShape, RecommendationItem, StyleRules } from "@varai/schema";
import type { CatalogIndex } from "./catalog-index.ts";
import { diversify, topK } from "./diversify.ts";
import { PAIR_DIM } from "./features.ts";
import { combinedFit, explainFit, type FaceSize } from "./fit.ts";
import type { ItemSide } from "./preference-serving.ts";
import type { PreferenceWeights } from "./preference-weights.ts";
import {
  explainStyle,
  type FaceShapeProbabilities,
  RIM_SLOTS,
  rimSlot,
  SHAPE_SLOTS,
  shapeSlot,
  styleTable,
} from "./style-rules.ts";

export interface RankFilters {
  shapes?: string[] | undefined;
  rims?: string[] | undefined;
  /** In the index's price units (1/10 000). */
  maxPriceMinor?: number | undefined;
  brands?: string[] | undefined;
}

export interface PreferenceInput {
  weights: PreferenceWeights;
  side: ItemSide;
  user: Float32Array;
  /** True when the shopper's own history shaped the user vector. */
  personalised: boolean;
}

export interface RankInput {
  index: CatalogIndex;
  face: FaceSize | null;
  faceShape: FaceShapeProbabilities | null;
  faceShapeLabel: FaceShape | null;
  rules: StyleRules;
  filters: RankFilters;
  limit: number;
  preference: PreferenceInput | null;
  /** MMR trade-off between score (1) and variety (0). */
  diversity?: number;
}

export interface RankResult {
  items: RecommendationItem[];
  reason?: string;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Per frame of the index (only candidates' entries are set): the parts of the score. */
interface Scored {
  candidates: Int32Array;
  count: number;
  fit: Float32Array;
  style: Float32Array;
  /** The preference model's raw score, with its max, sum and sum of squares over the candidates. */
  raw: Float32Array | null;
  rawMax: number;
  rawSum: number;
  rawSq: number;
}

/**
 * Scores every frame of the index with typed-array loops, then picks the list: pinned frames
 * first, the rest by maximal marginal relevance over shape, colour and brand so the top of the
 * list is not ten near-identical frames.
 */
export function rank(input: RankInput): RankResult {
  if (input.index.size === 0) return { items: [], reason: "The catalog has no active, in-stock frames yet" };
  const scored = scoreCandidates(input);
  if (scored.count === 0) return { items: [], reason: "No frames match the filters" };
  const mixed = mixScores(input, scored);
  const selected = diversify(input.index, input.limit, input.diversity ?? 0.75, mixed.pinned, mixed.pool);
  return { items: selected.map((i) => explainItem(input, scored, mixed, i)) };
}

/**
 * The filters, fit, style and preference score of every frame: one pass over the typed arrays,
 * the measured hot path of a request (`pnpm bench:recs`, README "Measured"), so it stays one loop
 * with the model's dot product inlined, at the cost of its length.
 */
function scoreCandidates(input: RankInput): Scored {
  const { index, face, filters, preference } = input;
  const styles = styleTable(input.rules, input.faceShape);
  const shapeAllowed = filters.shapes?.length ? new Uint8Array(SHAPE_SLOTS) : null;
  for (const s of filters.shapes ?? []) shapeAllowed![shapeSlot(s as never)] = 1;
  const rimAllowed = filters.rims?.length ? new Uint8Array(RIM_SLOTS) : null;
  for (const r of filters.rims ?? []) rimAllowed![rimSlot(r as never)] = 1;
  const brandAllowed = filters.brands?.length
    ? new Set(filters.brands.map((b) => index.brandIds.get(b.trim().toLowerCase()) ?? -1))
    : null;
  const maxPrice = filters.maxPriceMinor;

  const n = index.size;
  const fit = new Float32Array(n);
  const style = new Float32Array(n);
  const raw = preference ? new Float32Array(n) : null;
  const candidates = new Int32Array(n);
  const pair = new Float32Array(PAIR_DIM);
  let count = 0;
  let rawMax = Number.NEGATIVE_INFINITY;
  let rawSum = 0;
  let rawSq = 0;
  for (let i = 0; i < n; i++) {
    if (shapeAllowed && !shapeAllowed[index.shapeSlot[i] as number]) continue;
    if (rimAllowed && !rimAllowed[index.rimSlot[i] as number]) continue;
    if (brandAllowed && !brandAllowed.has(index.brandId[i] as number)) continue;
    if (maxPrice !== undefined && !((index.priceMinor[i] as number) <= maxPrice)) continue;
    candidates[count++] = i;
    const f = face
      ? combinedFit(
          index.frameWidth[i] as number,
          index.lensWidth[i] as number,
          index.bridgeWidth[i] as number,
          index.lensHeight[i] as number,
          face,
        )
      : Number.NaN;
    fit[i] = f;
    const st = styles[(index.shapeSlot[i] as number) * RIM_SLOTS + (index.rimSlot[i] as number)] as number;
    style[i] = st;
    if (preference && raw) {
      pair[0] = Number.isNaN(f) ? 0 : f;
      pair[1] = Number.isNaN(f) ? 0 : 1;
      pair[2] = st;
      // Inlined itemScore (preference-serving.ts): this loop is the hot path.
      const k = preference.weights.factors;
      const pw = preference.weights.pair;
      let s = (preference.side.linear[i] as number) + pair[0] * (pw[0] as number) + pair[1] * (pw[1] as number);
      s += pair[2] * (pw[2] as number);
      const o = i * k;
      for (let q = 0; q < k; q++) s += (preference.user[q] as number) * (preference.side.factors[o + q] as number);
      raw[i] = s;
      if (s > rawMax) rawMax = s;
      rawSum += s;
      rawSq += s * s;
    }
  }
  return { candidates, count, fit, style, raw, rawMax, rawSum, rawSq };
}

interface Mixed {
  score: Float32Array;
  /** The preference part, 0-1, per frame (null without a model). */
  pref: Float32Array | null;
  pinned: number[];
  /** The best 3 x limit (at least 30) unpinned frames, best first. */
  pool: Array<{ score: number; id: number }>;
}

/** The rules' weights mix the parts into one score per candidate; the merchant's boost multiplies it. */
function mixScores(input: RankInput, scored: Scored): Mixed {
  const { index } = input;
  const { candidates, count, fit, style, raw, rawMax } = scored;
  const n = index.size;
  const mean = scored.rawSum / count;
  const std = Math.sqrt(Math.max(scored.rawSq / count - mean * mean, 1e-12));
  const pref = raw ? new Float32Array(n) : null;
  const w = input.rules.weights;
  const capacity = Math.min(count, Math.max(3 * input.limit, 30));
  const heap = topK(capacity);
  const score = new Float32Array(n);
  const pinned: number[] = [];
  for (let c = 0; c < count; c++) {
    const i = candidates[c] as number;
    let sum = w.style * (style[i] as number);
    let weight = w.style;
    const f = fit[i] as number;
    if (!Number.isNaN(f)) {
      sum += w.fit * f;
      weight += w.fit;
    }
    if (pref && raw) {
      // Relative to the best frame in standard deviations: exp keeps the spread at the top of the
      // list, where a z-score squashed through a sigmoid would make every good frame ~1.
      const p = Math.exp(((raw[i] as number) - rawMax) / std);
      pref[i] = p;
      sum += w.preference * p;
      weight += w.preference;
    }
    const s = (weight > 0 ? sum / weight : 0) * (index.boost[i] as number);
    score[i] = s;
    if (index.pinned[i]) pinned.push(i);
    else heap.push(s, i);
  }
  pinned.sort((a, b) => (score[b] as number) - (score[a] as number));
  return { score, pref, pinned, pool: heap.sorted() };
}

/** The item as answered, with its parts, badges and reasons (only chosen items get explained). */
function explainItem(input: RankInput, scored: Scored, mixed: Mixed, i: number): RecommendationItem {
  const { index, face, preference } = input;
  const { fit, style } = scored;
  const { score, pref } = mixed;
  const dims = index.dimensions[i] ?? {};
  const explained = face ? explainFit(dims, face) : null;
  const sizeUnknown =
    Number.isNaN(index.frameWidth[i] as number) &&
    Number.isNaN((index.lensWidth[i] as number) + (index.bridgeWidth[i] as number));
  const reasons = [...(explained?.reasons ?? (sizeUnknown ? ["size unknown: scored on style only"] : []))];
  const styleReason = explainStyle(input.rules, input.faceShapeLabel, index.shapes[i], index.rims[i]);
  if (styleReason) reasons.push(styleReason);
  const p = pref ? (pref[i] as number) : null;
  if (p !== null && p >= 0.8) {
    reasons.push(
      preference?.personalised
        ? "close to frames you tried on or bought"
        : "often chosen by shoppers with a similar face",
    );
  }
  if (index.pinned[i]) reasons.push("featured by the store");
  else if ((index.boost[i] as number) > 1) reasons.push("promoted by the store");
  const badges = explained?.badges ?? (sizeUnknown ? ["size-unknown"] : []);
  return {
    productId: index.ids[i] as string,
    title: index.titles[i] as string,
    score: round(score[i] as number),
    parts: {
      fit: Number.isNaN(fit[i] as number) ? null : round(fit[i] as number),
      style: round(style[i] as number),
      preference: p === null ? null : round(p),
      merchantBoost: index.boost[i] as number,
    },
    fitBadges: badges,
    reasons,
    sizeUnknown,
  };
}
