import { COLLECTIONS, type RuntimeDeps } from "@varai/runtime";
import type { Product } from "@varai/schema";
import { isRecommendable } from "./catalog-index.ts";
import { EVENT_WEIGHTS } from "./event-weights.ts";
import type { TrainOptions } from "./preference-model.ts";
import { createRecommendationsService } from "./service.ts";
import { type SimulatedEvent, type SimulationOptions, simulatePopulation } from "./simulation.ts";
import { DEFAULT_STYLE_RULES } from "./style-rules.ts";
import type { TrainResult } from "./types.ts";

/**
 * Offline evaluation: simulate a population, split its events by time (train before the
 * cutoff, test after), seed the store with the training part only, and rank for every test
 * shopper three ways. Shared by scripts/eval-recs.ts and the model's test.
 */
export interface MethodScore {
  ndcgAt10: number;
  hitRateAt10: number;
  /** Distinct frames in all top-10 lists / recommendable frames. */
  coverage: number;
}

export interface EvaluationReport {
  population: { products: number; shoppers: number; trainEvents: number; testEvents: number; testShoppers: number };
  training: TrainResult;
  popularity: MethodScore;
  rules: MethodScore;
  learned: MethodScore;
}

const K = 10;

/** Graded relevance per shopper: the strongest event weight on each frame in the test period. */
export function relevanceByShopper(events: readonly SimulatedEvent[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (!e.shopperId || !e.productId) continue;
    const gains = out.get(e.shopperId) ?? new Map<string, number>();
    gains.set(e.productId, Math.max(gains.get(e.productId) ?? 0, EVENT_WEIGHTS[e.type] ?? 0));
    out.set(e.shopperId, gains);
  }
  return out;
}

export function scoreRankings(
  rankings: ReadonlyMap<string, readonly string[]>,
  relevance: ReadonlyMap<string, ReadonlyMap<string, number>>,
  catalogSize: number,
): MethodScore {
  let ndcg = 0;
  let hits = 0;
  let count = 0;
  const shown = new Set<string>();
  for (const [shopper, gains] of relevance) {
    const list = (rankings.get(shopper) ?? []).slice(0, K);
    for (const id of list) shown.add(id);
    let dcg = 0;
    list.forEach((id, i) => {
      dcg += (gains.get(id) ?? 0) / Math.log2(i + 2);
    });
    const ideal = [...gains.values()].sort((a, b) => b - a).slice(0, K);
    const idcg = ideal.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
    ndcg += idcg > 0 ? dcg / idcg : 0;
    hits += list.some((id) => gains.has(id)) ? 1 : 0;
    count++;
  }
  return {
    ndcgAt10: count ? ndcg / count : 0,
    hitRateAt10: count ? hits / count : 0,
    coverage: catalogSize ? shown.size / catalogSize : 0,
  };
}

export async function runOfflineEvaluation(
  deps: RuntimeDeps,
  simulation: SimulationOptions & { trainShare?: number },
  training: TrainOptions = {},
  service: { diversity?: number; weights?: { fit: number; style: number; preference: number } } = {},
): Promise<EvaluationReport> {
  const tenantId = simulation.tenantId;
  const sim = simulatePopulation(simulation);
  const cutoff = Math.floor(sim.events.length * (simulation.trainShare ?? 0.75));
  const trainEvents = sim.events.slice(0, cutoff);
  const testEvents = sim.events.slice(cutoff);

  await deps.store
    .tenantCollection<Product & { tenantId: string }>(COLLECTIONS.products)
    .insertMany(tenantId, sim.products);
  await deps.store.tenantCollection(COLLECTIONS.analyticsEvents).insertMany(tenantId, trainEvents);
  await deps.store
    .tenantCollection(COLLECTIONS.faceMeasurements)
    .insertMany(tenantId, sim.faceAnalyses.map((f) => ({ ...f, analysis: null })) as never);

  const recs = createRecommendationsService(deps, {
    ...(service.diversity === undefined ? {} : { diversity: service.diversity }),
    retrainIntervalMs: null,
    minTrainingEvents: 50,
    training,
    // Evaluation measures ranking quality; the cache only hides nothing here since every shopper differs.
    cacheTtlMs: 1,
  });
  if (service.weights)
    await recs.putRules(tenantId, { ...DEFAULT_STYLE_RULES, weights: service.weights }, "evaluation");
  const relevance = relevanceByShopper(testEvents);
  const catalogSize = sim.products.filter(isRecommendable).length;
  const shoppers = sim.shoppers.filter((s) => relevance.has(s.id));

  const rankWithService = async () => {
    const rankings = new Map<string, string[]>();
    for (const s of shoppers) {
      const response = await recs.recommend(tenantId, {
        measurements: s.measurements,
        faceShape: s.faceShape,
        shopperId: s.id,
        consent: true,
        limit: K,
        filters: {},
      });
      rankings.set(
        s.id,
        response.items.map((i) => i.productId),
      );
    }
    return rankings;
  };

  const popular = popularList(sim.products, trainEvents);
  const popularity = scoreRankings(new Map(shoppers.map((s) => [s.id, popular])), relevance, catalogSize);

  const rules = scoreRankings(await rankWithService(), relevance, catalogSize);
  const trained = await recs.trainPreferenceModel(tenantId);
  const learned = scoreRankings(await rankWithService(), relevance, catalogSize);

  return {
    population: {
      products: sim.products.length,
      shoppers: sim.shoppers.length,
      trainEvents: trainEvents.length,
      testEvents: testEvents.length,
      testShoppers: shoppers.length,
    },
    training: trained,
    popularity,
    rules,
    learned,
  };
}

/** Popularity: the most interacted frames of the training period (weighted), same list for all. */
function popularList(products: Product[], trainEvents: SimulatedEvent[]): string[] {
  const counts = new Map<string, number>();
  for (const e of trainEvents) {
    if (e.productId) counts.set(e.productId, (counts.get(e.productId) ?? 0) + (EVENT_WEIGHTS[e.type] ?? 0));
  }
  const recommendable = new Set(products.filter(isRecommendable).map((p) => p.id));
  return [...counts.entries()]
    .filter(([id]) => recommendable.has(id))
    .sort((a, b) => b[1] - a[1])
    .slice(0, K)
    .map(([id]) => id);
}
