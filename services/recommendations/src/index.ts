export { buildCatalogIndex, type CatalogIndex, isRecommendable, priceToMinor } from "./catalog-index.ts";
export { MODEL_KIND, RECS_COLLECTIONS } from "./collections.ts";
// For the offline evaluation and the benchmark (scripts/).
export { runOfflineEvaluation } from "./evaluation.ts";
export { CONTEXT_DIM, HISTORY_DIM, ITEM_DIM, PAIR_DIM } from "./features.ts";
export { decentrationPerEye, explainFit, FIT, frameWidthOf } from "./fit.ts";
export { seededRandom, serialiseWeights } from "./preference-model.ts";
export {
  createRecommendationsService,
  EVENT_WEIGHTS,
  type RecommendationsOptions,
  type RecommendationsService,
  type TrainResult,
} from "./service.ts";
export { simulateProducts } from "./simulation.ts";
export { DEFAULT_STYLE_RULES, type StyleRules, StyleRulesSchema } from "./style-rules.ts";
