import { randomBytes } from "node:crypto";
import { COLLECTIONS, createRetentionPolicy, createShopperIdentity, type RuntimeDeps } from "@varai/runtime";
import { activateModel } from "./activate-model.ts";
import { openRecsCollections, RECS_COLLECTIONS } from "./collections.ts";
import type { RecsContext } from "./context.ts";
import { linkFaceRecords } from "./link-face-records.ts";
import { listModels } from "./model-store.ts";
import { recommendationsOpenApi } from "./openapi.ts";
import { previewRanking } from "./preview-ranking.ts";
import { createRecsPrivacy } from "./privacy.ts";
import { recommend } from "./recommend.ts";
import { createRetrainSchedule } from "./retrain-schedule.ts";
import { createRecommendationsRouter } from "./routes.ts";
import { getRules, putRules } from "./rules.ts";
import { createTenantStates } from "./tenant-state.ts";
import { trainPreferenceModel } from "./train-model.ts";
import type { RecommendationsOptions, RecommendationsService, RecommendationsUseCases } from "./types.ts";

export function createRecommendationsService(
  deps: RuntimeDeps,
  options: RecommendationsOptions = {},
): RecommendationsService {
  const { store, cache, clock } = deps;
  const logger = deps.logger.child({ service: "recommendations" });
  const collections = openRecsCollections(store);
  const states = createTenantStates({
    cache,
    clock,
    logger,
    collections,
    indexMaxAgeMs: options.indexMaxAgeMs ?? 5 * 60_000,
    maxTenants: options.maxTenantsInMemory ?? 50,
  });
  const ctx: RecsContext = { cache, clock, logger, collections, states, options };
  const recommendDeps = {
    ...ctx,
    shoppers: options.shoppers ?? createShopperIdentity({ hashKey: randomBytes(32), store, clock }),
    // How long "what was recommended to whom" is kept: the tenant's history retention.
    retention: createRetentionPolicy(store),
  };
  deps.privacy.register(createRecsPrivacy(ctx));
  const schedule = createRetrainSchedule(
    ctx,
    store,
    options.retrainIntervalMs === undefined ? 86_400_000 : options.retrainIntervalMs,
  );

  const useCases: RecommendationsUseCases = {
    recommend: (tenantId, request) => recommend(recommendDeps, tenantId, request),
    getRules: (tenantId) => getRules(ctx, tenantId),
    previewRanking: (tenantId, request) => previewRanking(ctx, tenantId, request),
    putRules: (tenantId, rules, actor, expectedVersion) => putRules(ctx, tenantId, rules, actor, expectedVersion),
    trainPreferenceModel: (tenantId) => trainPreferenceModel(ctx, tenantId),
    listModels: (tenantId) => listModels(collections, tenantId),
    activateModel: (tenantId, version) => activateModel(ctx, tenantId, version),
  };

  return {
    name: "recommendations",
    router: createRecommendationsRouter(useCases),
    openapi: recommendationsOpenApi(),
    ...useCases,
    async start() {
      await linkFaceRecords({
        records: collections.records,
        faces: collections.faces,
        tenants: store.globalCollection<{ id: string }>(COLLECTIONS.tenants),
        migrations: store.globalCollection<{ id: string; at: string }>(RECS_COLLECTIONS.migrations),
        logger,
        now: clock(),
      }).catch((error: unknown) => logger.warn({ err: error }, "linking recommendation records failed"));
      schedule.start();
    },
    stop: () => schedule.stop(),
  };
}
