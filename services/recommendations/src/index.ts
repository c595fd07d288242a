export { buildCatalogIndex, type CatalogIndex, isRecommendable, priceToMinor } from "./catalog-index.ts";
export { MODEL_KIND, RECS_COLLECTIONS } from "./collections.ts";
export { decentrationPerEye, explainFit, FIT, frameWidthOf } from "./fit.ts";
export { seededRandom } from "./preference-model.ts";
export {
  createRecommendationsService,
  EVENT_WEIGHTS,
  type RecommendationsOptions,
  type RecommendationsService,
  type TrainResult,
} from "./service.ts";
export { DEFAULT_STYLE_RULES, type StyleRules, StyleRulesSchema } from "./style-rules.ts";
