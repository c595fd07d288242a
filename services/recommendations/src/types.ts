import type { ServiceModule, ShopperIdentity } from "@varai/runtime";
import type { PreviewRequest, RecommendationRequest, RecommendationResponse, StyleRules } from "@varai/schema";
import type { ModelDoc } from "./collections.ts";
import type { TrainMetrics, TrainOptions } from "./preference-model.ts";

// The service's public types, apart from service.ts so routes.ts and the use cases can name
// them without importing the composition (which imports them).

export interface RecommendationsOptions {
  /** Normalises request shopper ids (the gateway's one instance). Default: a per-process one. */
  shoppers?: ShopperIdentity;
  /** How long a computed list is reused for the same tenant x profile bucket. Default 10 min. */
  cacheTtlMs?: number;
  /** Scheduled retraining of every active tenant; null disables the schedule. Default 24 h. */
  retrainIntervalMs?: number | null;
  /** Fewer usable events than this and training is skipped (cold start continues). Default 200. */
  minTrainingEvents?: number;
  /** Events older than this are not used for training. Default 90 days. */
  trainingWindowDays?: number;
  maxTrainingEvents?: number;
  training?: TrainOptions;
  /** A catalog index older than this is rebuilt even if the catalog version did not move. Default 5 min. */
  indexMaxAgeMs?: number;
  /** Tenants whose catalog index stays in memory (least recently used go first). Default 50. */
  maxTenantsInMemory?: number;
  /** MMR trade-off: 1 = pure score, lower = more variety. Default 0.75. */
  diversity?: number;
  /**
   * Progress of every training run (on demand and scheduled): the gateway publishes it on the
   * live `training` topic. Must not throw; a slow listener slows training.
   */
  onTraining?: (tenantId: string, update: TrainingUpdate) => void;
}

/** A training run as it goes: `running` (loading the events, then once per epoch), then how it ended. */
export type TrainingUpdate =
  | { status: "running"; phase: "loading" | "training"; epoch: number; epochs: number; loss: number | null }
  | { status: "active" | "rejected" | "skipped"; version: number; reason?: string; holdoutAuc?: number }
  | { status: "failed"; error: string };

export interface RulesView {
  version: number;
  rules: StyleRules;
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export type TrainResult =
  | { status: "active" | "rejected"; version: number; metrics: TrainMetrics; trainedAt: string }
  | { status: "skipped"; version: number; reason: string; trainedAt: string };

/** A model version as listed: everything but the weights. */
export type ModelSummary = Omit<ModelDoc, "weights" | "popularity">;

/** What the routes (and other services) call. */
export interface RecommendationsUseCases {
  recommend(tenantId: string, request: RecommendationRequest): Promise<RecommendationResponse>;
  getRules(tenantId: string): Promise<RulesView>;
  /**
   * The ranking a sample face gets with the rules in force or a draft: fit, style and merchant
   * boost only (the preference model learns from real shoppers, so a sample has none); nothing
   * is recorded or cached.
   */
  previewRanking(tenantId: string, request: PreviewRequest): Promise<Pick<RecommendationResponse, "items" | "reason">>;
  putRules(tenantId: string, rules: StyleRules, actor: string, expectedVersion?: number): Promise<RulesView>;
  trainPreferenceModel(tenantId: string): Promise<TrainResult>;
  listModels(tenantId: string): Promise<ModelSummary[]>;
  /**
   * Puts a trained version in force (a rollback, or a rejected model the merchant wants anyway);
   * the active one becomes `superseded`. 404 for an unknown version, 409 for a skipped run.
   */
  activateModel(tenantId: string, version: number): Promise<ModelSummary>;
}

export interface RecommendationsService extends ServiceModule, RecommendationsUseCases {}
