import type { CatalogIndex } from "./catalog-index.ts";
import { SHAPE_SLOTS } from "./style-rules.ts";

// How the ranker picks a list from the scored frames: a bounded heap keeps the best candidates,
// maximal marginal relevance over shape, colour and brand picks from them.

/** Min-heap of (score, index) keeping the best `capacity` entries. */
export function topK(capacity: number) {
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

/** Pinned frames first, then maximal marginal relevance over the pool. */
export function diversify(
  index: CatalogIndex,
  limit: number,
  lambda: number,
  pinned: number[],
  pool: Array<{ score: number; id: number }>,
): number[] {
  const selected = pinned.slice(0, limit);
  const top = Math.max(pool[0]?.score ?? 0, 1e-9);
  const maxSim = new Float32Array(pool.length);
  for (let p = 0; p < pool.length; p++) {
    for (const s of selected) maxSim[p] = Math.max(maxSim[p] as number, similarity(index, pool[p]!.id, s));
  }
  const taken = new Uint8Array(pool.length);
  while (selected.length < limit && selected.length < pinned.length + pool.length) {
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
  return selected;
}
