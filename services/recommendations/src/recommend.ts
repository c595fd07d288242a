import { createHash } from "node:crypto";
import { daysToMs, metrics, type RetentionPolicy, type ShopperIdentity } from "@varai/runtime";
import {
  AppError,
  CONSENT_REQUIRED,
  CONSENT_REQUIRED_MESSAGE,
  newId,
  type RecommendationRequest,
  type RecommendationResponse,
  shopperIdAllowed,
} from "@varai/schema";
import { type CatalogIndex, priceToMinor } from "./catalog-index.ts";
import type { RecsContext } from "./context.ts";
import { HISTORY_LENGTH, POSITIVE_TYPES } from "./event-weights.ts";
import { contextFeatures, historyFeatures } from "./features.ts";
import { userVector } from "./preference-serving.ts";
import { rank } from "./ranker.ts";
import { type ResolvedProfile, resolveProfile } from "./resolve-profile.ts";
import { type LoadedModel, recsKeys, type TenantState } from "./tenant-state.ts";

type Ranked = { items: RecommendationResponse["items"]; reason?: string };

const hash = (value: unknown) => createHash("sha1").update(JSON.stringify(value)).digest("base64url").slice(0, 22);

/** What recommend needs beyond the shared context: the shopper-id normaliser and the history retention. */
export interface RecommendDeps extends RecsContext {
  shoppers: ShopperIdentity;
  retention: RetentionPolicy;
}

async function shopperHistory(ctx: RecsContext, tenantId: string, shopperId: string): Promise<string[]> {
  const docs = await ctx.collections.events.find(
    tenantId,
    { shopperId, type: { $in: POSITIVE_TYPES } },
    { sort: { occurredAt: -1 }, limit: HISTORY_LENGTH, projection: { productId: 1 } },
  );
  return docs.map((d) => d.productId).filter((id): id is string => typeof id === "string");
}

/** `POST /v1/recommendations`: rank (or reuse a cached ranking), then record what was recommended to whom. */
export async function recommend(
  ctx: RecommendDeps,
  tenantId: string,
  given: RecommendationRequest,
): Promise<RecommendationResponse> {
  const { cache, states } = ctx;
  // Lawful basis (README, "Privacy"): a shopper id is personal data kept only with consent.
  if (!shopperIdAllowed(given)) {
    throw new AppError("INVALID_INPUT", CONSENT_REQUIRED_MESSAGE, {
      details: { reason: CONSENT_REQUIRED, issues: [{ path: "consent", message: CONSENT_REQUIRED_MESSAGE }] },
    });
  }
  // One stored form per shopper (a gid and the plain id agree; an email is never kept in clear).
  const request = given.shopperId ? { ...given, shopperId: ctx.shoppers.normalise(given.shopperId) } : given;
  const profile = await resolveProfile(ctx, tenantId, request);
  const filters = request.filters ?? {};
  const state = states.get(tenantId);
  const [catVersion, current] = await Promise.all([states.catalogVersion(tenantId), states.versions(tenantId, state)]);
  const model = current.model;
  const history = model && request.shopperId ? await shopperHistory(ctx, tenantId, request.shopperId) : [];
  const modelVersion = model ? `pref-v${model.version}` : null;

  const { face, probabilities, label } = profile;
  const bucket = hash({ face, probabilities, label, filters, limit: request.limit, history });
  const cacheKey = `${recsKeys.results(tenantId)}c${catVersion}:r${current.rules.version}:m${model?.version ?? 0}:${bucket}`;
  let result = await cache.get<Ranked>(cacheKey);
  if (!result) {
    const index = await states.catalogIndex(tenantId, state, catVersion);
    const endRanking = metrics.modelLatency.startTimer({ model: model ? "ranking-preference" : "ranking-rules" });
    result = rank({
      index,
      face,
      faceShape: probabilities,
      faceShapeLabel: label,
      rules: current.rules.rules,
      filters: {
        shapes: filters.shapes,
        rims: filters.rims,
        brands: filters.brands,
        maxPriceMinor: filters.maxPrice === undefined ? undefined : (priceToMinor(filters.maxPrice) ?? undefined),
      },
      limit: request.limit,
      preference: model ? preferenceFor(ctx, state, index, model, profile, history) : null,
      diversity: ctx.options.diversity,
    });
    endRanking();
    await cache.set(cacheKey, result, ctx.options.cacheTtlMs ?? 10 * 60_000);
  }
  const id = await recordRecommendation(ctx, tenantId, request, profile, result, modelVersion);
  return { id, items: result.items, ...(result.reason ? { reason: result.reason } : {}), modelVersion };
}

/** The preference model's inputs for this shopper: the item tower, and a user vector from face and history. */
function preferenceFor(
  ctx: RecsContext,
  state: TenantState,
  index: CatalogIndex,
  model: LoadedModel,
  { face, probabilities }: ResolvedProfile,
  history: string[],
) {
  const side = ctx.states.itemSide(state, index, model);
  const rows = history.map((id) => index.byId.get(id)).filter((r): r is number => r !== undefined);
  const popularity = new Float32Array(index.size);
  for (const r of rows) popularity[r] = model.popularity.get(index.ids[r] as string) ?? 0;
  const user = userVector(
    model.weights,
    contextFeatures({
      faceShape: probabilities,
      pupillaryDistanceMm: face?.pupillaryDistanceMm ?? null,
      faceWidthMm: face?.faceWidthMm ?? null,
    }),
    historyFeatures(index.features, popularity, rows),
  );
  return { weights: model.weights, side, user, personalised: rows.length > 0 };
}

/** What was recommended to whom, kept for the tenant's history retention (and training). */
async function recordRecommendation(
  ctx: RecommendDeps,
  tenantId: string,
  request: RecommendationRequest,
  { face, probabilities, analysis }: ResolvedProfile,
  result: Ranked,
  modelVersion: string | null,
): Promise<string> {
  const id = newId("recommendation");
  const now = ctx.clock();
  const historyMs = daysToMs((await ctx.retention.get(tenantId)).historyDays);
  // Derived from a face analysis = face data: the record belongs to the analysis's shopper
  // (exported and erased with them) and goes when the analysis does, if that is sooner.
  const expiresAt = new Date(
    Math.min(now.getTime() + historyMs, analysis ? analysis.expiresAt.getTime() : Number.POSITIVE_INFINITY),
  );
  await ctx.collections.records.insertOne(tenantId, {
    id,
    shopperId: request.shopperId ?? analysis?.shopperId ?? null,
    faceAnalysisId: request.faceAnalysisId ?? null,
    // Face geometry is biometric: only a profile the shopper consented to store is kept.
    profile: request.faceAnalysisId
      ? {
          faceShape: probabilities,
          pupillaryDistanceMm: face?.pupillaryDistanceMm ?? null,
          faceWidthMm: face?.faceWidthMm ?? null,
          faceLengthMm: face?.faceLengthMm ?? null,
        }
      : null,
    filters: request.filters ?? {},
    items: result.items.map((item) => ({ productId: item.productId, score: item.score })),
    modelVersion,
    createdAt: now.toISOString(),
    expiresAt,
  });
  return id;
}
