export { buildCatalogIndex, type CatalogIndex, isRecommendable, priceToMinor } from "./catalog-index.ts";
export { MODEL_KIND, RECS_COLLECTIONS } from "./collections.ts";
// For the offline evaluation and the benchmark (scripts/).
export { runOfflineEvaluation } from "./evaluation.ts";
export { EVENT_WEIGHTS } from "./event-weights.ts";
export { CONTEXT_DIM, HISTORY_DIM, ITEM_DIM, PAIR_DIM } from "./features.ts";
export { decentrationPerEye, explainFit, FIT, frameWidthOf } from "./fit.ts";
export { recommendationsOpenApi } from "./openapi.ts";
export { seededRandom } from "./preference-model.ts";
export { serialiseWeights } from "./preference-weights.ts";
export { createRecommendationsService } from "./service.ts";
export { simulateProducts } from "./simulation.ts";
export { createRecsProcess } from "./standalone.ts";
export { parseRecsProcessEnv, type RecsProcessEnv } from "./standalone-env.ts";
export { DEFAULT_STYLE_RULES } from "./style-rules.ts";
export { RECS_MODEL, REGION_HEADER } from "./tf-serving.ts";
export type { RecommendationsOptions, RecommendationsService, RulesView, TrainResult } from "./types.ts";
