import type { FaceShape, RecommendationItem } from "@varai/schema";
import type { CatalogIndex } from "./catalog-index.ts";
import { PAIR_DIM } from "./features.ts";
import { combinedFit, explainFit, type FaceSize } from "./fit.ts";
import type { ItemSide, PreferenceWeights } from "./preference-model.ts";
import {
  explainStyle,
  type FaceShapeProbabilities,
  RIM_SLOTS,
  rimSlot,
  SHAPE_SLOTS,
  type StyleRules,
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

/** Min-heap of (score, index) keeping the best `capacity` entries. */
function topK(capacity: number) {
  const scores = new Float64Array(capacity);
  const ids = new Int32Array(capacity);
  let size = 0;
  const swap = (a: number, b: number) => {
    const s = scores[a] as number;
    scores[a] = scores[b] as number;
    scores[b] = s;
    const i = ids[a] as number;
    ids[a] = ids[b] as number;
    ids[b] = i;
  };
  return {
    push(score: number, id: number) {
      if (size < capacity) {
        let at = size++;
        scores[at] = score;
        ids[at] = id;
        while (at > 0) {
          const parent = (at - 1) >> 1;
          if ((scores[parent] as number) <= (scores[at] as number)) break;
          swap(parent, at);
          at = parent;
        }
        return;
      }
      if (score <= (scores[0] as number)) return;
      scores[0] = score;
      ids[0] = id;
      let at = 0;
      for (;;) {
        const l = 2 * at + 1;
        const r = l + 1;
        let min = at;
        if (l < size && (scores[l] as number) < (scores[min] as number)) min = l;
        if (r < size && (scores[r] as number) < (scores[min] as number)) min = r;
        if (min === at) break;
        swap(min, at);
        at = min;
      }
    },
    /** Best first. */
    sorted(): Array<{ score: number; id: number }> {
      const out = [];
      for (let i = 0; i < size; i++) out.push({ score: scores[i] as number, id: ids[i] as number });
      return out.sort((a, b) => b.score - a.score || a.id - b.id);
    },
  };
}

function similarity(index: CatalogIndex, a: number, b: number): number {
  let s = 0;
  const shape = index.shapeSlot[a] as number;
  if (shape === index.shapeSlot[b] && shape !== SHAPE_SLOTS - 1) s += 0.5;
  if (index.colorId[a] === index.colorId[b]) s += 0.3;
  if (index.brandId[a] === index.brandId[b]) s += 0.2;
  return s;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Scores every frame of the index with typed-array loops, then picks the list: pinned frames
 * first, the rest by maximal marginal relevance over shape, colour and brand so the top of the
 * list is not ten near-identical frames.
 */
export function rank(input: RankInput): RankResult {
  const { index, face, rules, filters, preference } = input;
  if (index.size === 0) return { items: [], reason: "The catalog has no active, in-stock frames yet" };

  const styles = styleTable(rules, input.faceShape);
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
      // Inlined itemScore (preference-model.ts): this loop is the hot path.
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
  if (count === 0) return { items: [], reason: "No frames match the filters" };

  const mean = rawSum / count;
  const std = Math.sqrt(Math.max(rawSq / count - mean * mean, 1e-12));
  const pref = raw ? new Float32Array(n) : null;
  const w = rules.weights;
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
  const selected = pinned.slice(0, input.limit);
  const pool = heap.sorted();
  const lambda = input.diversity ?? 0.75;
  const top = Math.max(pool[0]?.score ?? 0, 1e-9);
  const maxSim = new Float32Array(pool.length);
  for (let p = 0; p < pool.length; p++) {
    for (const s of selected) maxSim[p] = Math.max(maxSim[p] as number, similarity(index, pool[p]!.id, s));
  }
  const taken = new Uint8Array(pool.length);
  while (selected.length < input.limit && selected.length < pinned.length + pool.length) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < pool.length; p++) {
      if (taken[p]) continue;
      const value = lambda * (pool[p]!.score / top) - (1 - lambda) * (maxSim[p] as number);
      if (value > bestValue) {
        bestValue = value;
        best = p;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    const chosen = pool[best]!.id;
    selected.push(chosen);
    for (let p = 0; p < pool.length; p++) {
      if (!taken[p]) maxSim[p] = Math.max(maxSim[p] as number, similarity(index, pool[p]!.id, chosen));
    }
  }

  const items = selected.map((i): RecommendationItem => {
    const dims = index.dimensions[i] ?? {};
    const explained = face ? explainFit(dims, face) : null;
    const sizeUnknown =
      Number.isNaN(index.frameWidth[i] as number) &&
      Number.isNaN((index.lensWidth[i] as number) + (index.bridgeWidth[i] as number));
    const reasons = [...(explained?.reasons ?? (sizeUnknown ? ["size unknown: scored on style only"] : []))];
    const styleReason = explainStyle(rules, input.faceShapeLabel, index.shapes[i], index.rims[i]);
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
  });
  return { items };
}
