import { createHash, randomBytes } from "node:crypto";
import {
  COLLECTIONS,
  cacheKeys,
  createRetentionPolicy,
  createShopperIdentity,
  daysToMs,
  type PrivacySubject,
  type RuntimeDeps,
  type ServiceModule,
  type ShopperIdentity,
} from "@varai/runtime";
import {
  AppError,
  CONSENT_REQUIRED,
  CONSENT_REQUIRED_MESSAGE,
  type EventType,
  type FaceMeasurements,
  type FaceShape,
  newId,
  type Product,
  type RecommendationRequest,
  type RecommendationResponse,
  shopperIdAllowed,
} from "@varai/schema";
import { buildCatalogIndex, type CatalogIndex, priceToMinor } from "./catalog-index.ts";
import { MODEL_KIND, RECS_COLLECTIONS } from "./collections.ts";
import { CONTEXT_DIM, contextFeatures, HISTORY_DIM, historyFeatures, ITEM_DIM, POPULARITY_OFFSET } from "./features.ts";
import { combinedFit, type FaceSize } from "./fit.ts";
import { linkFaceRecords } from "./link-face-records.ts";
import {
  deserialiseWeights,
  type ItemSide,
  type PreferenceWeights,
  prepareItemSide,
  type SerialisedWeights,
  serialiseWeights,
  type TrainMetrics,
  type TrainOptions,
  trainPreferenceWeights,
  userVector,
} from "./preference-model.ts";
import { rank } from "./ranker.ts";
import { createRecommendationsRouter, recommendationsOpenApi } from "./routes.ts";
import {
  DEFAULT_STYLE_RULES,
  type FaceShapeProbabilities,
  type PreviewRequest,
  RIM_SLOTS,
  type StyleRules,
  StyleRulesSchema,
  styleTable,
  toProbabilities,
} from "./style-rules.ts";

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
}

/** Implicit feedback weights: a purchase says more than a click. */
export const EVENT_WEIGHTS: Partial<Record<EventType, number>> = {
  purchase: 5,
  add_to_cart: 3,
  try_on_rendered: 1.5,
  recommendation_clicked: 1,
  product_viewed: 0.5,
};
const POSITIVE_TYPES = Object.keys(EVENT_WEIGHTS) as EventType[];
const HISTORY_LENGTH = 20;
const POPULARITY_KEEP = 5000;

export interface RecommendationRecord {
  id: string;
  tenantId: string;
  shopperId: string | null;
  faceAnalysisId: string | null;
  /** Rounded face profile, kept only when it came from a consented face analysis. */
  profile: StoredProfile | null;
  filters: Record<string, unknown>;
  items: Array<{ productId: string; score: number }>;
  modelVersion: string | null;
  createdAt: string;
  expiresAt: Date;
}

interface StoredProfile {
  faceShape: FaceShapeProbabilities | null;
  pupillaryDistanceMm: number | null;
  faceWidthMm: number | null;
  faceLengthMm: number | null;
}

export interface RulesDoc {
  id: string;
  tenantId: string;
  version: number;
  rules: StyleRules;
  updatedAt: string;
  updatedBy: string;
}

export interface ModelDoc {
  id: string;
  tenantId: string;
  kind: typeof MODEL_KIND;
  version: number;
  status: "active" | "superseded" | "rejected" | "skipped";
  trainedAt: string;
  dataFrom: string | null;
  dataTo: string | null;
  metrics: (TrainMetrics & { usableEvents: number; shoppers: number }) | { usableEvents: number; reason: string };
  weights: SerialisedWeights | null;
  popularity: { ids: string[]; values: number[] } | null;
}

interface FaceMeasurementDoc {
  id: string;
  tenantId: string;
  shopperId: string | null;
  measurements: FaceMeasurements;
  faceShape: { label: FaceShape; scores: Partial<Record<FaceShape, number>> };
  createdAt?: string;
  expiresAt: Date | string;
}

interface EventDoc {
  id: string;
  tenantId: string;
  type: EventType;
  sessionId: string;
  shopperId?: string;
  productId?: string;
  occurredAt: string;
  properties?: Record<string, unknown>;
}

interface LoadedModel {
  version: number;
  weights: PreferenceWeights;
  popularity: Map<string, number>;
}

interface TenantState {
  index: CatalogIndex | null;
  building: Promise<CatalogIndex> | null;
  rules: { version: number; rules: StyleRules } | null;
  model: { version: number; loaded: LoadedModel | null } | null;
  side: { key: string; side: ItemSide } | null;
}

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

export interface RecommendationsService extends ServiceModule {
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
  listModels(tenantId: string): Promise<Array<Omit<ModelDoc, "weights" | "popularity">>>;
}

const round = (value: number, step: number) => Math.round(value / step) * step;
const hash = (value: unknown) => createHash("sha1").update(JSON.stringify(value)).digest("base64url").slice(0, 22);

export function createRecommendationsService(
  deps: RuntimeDeps,
  options: RecommendationsOptions = {},
): RecommendationsService {
  const { store, cache, clock, privacy } = deps;
  const logger = deps.logger.child({ service: "recommendations" });
  const cacheTtlMs = options.cacheTtlMs ?? 10 * 60_000;
  // How long "what was recommended to whom" is kept: the tenant's history retention.
  const retention = createRetentionPolicy(store);
  const indexMaxAgeMs = options.indexMaxAgeMs ?? 5 * 60_000;
  const maxTenants = options.maxTenantsInMemory ?? 50;
  const shoppers = options.shoppers ?? createShopperIdentity({ hashKey: randomBytes(32), store, clock });

  const products = store.tenantCollection<Product & { tenantId: string }>(COLLECTIONS.products);
  const faces = store.tenantCollection<FaceMeasurementDoc>(COLLECTIONS.faceMeasurements);
  const events = store.tenantCollection<EventDoc>(COLLECTIONS.analyticsEvents);
  const records = store.tenantCollection<RecommendationRecord>(RECS_COLLECTIONS.recommendations);
  const models = store.tenantCollection<ModelDoc>(RECS_COLLECTIONS.mlModels);
  const rulesDocs = store.tenantCollection<RulesDoc>(RECS_COLLECTIONS.rules);

  const keys = {
    /** Rules and model versions in force; deleted on change so every process reloads from the store. */
    state: (t: string) => `recs:state:${t}`,
    results: (t: string) => `recs:results:${t}:`,
    trainLock: (t: string) => `recs:train-lock:${t}`,
  };

  const tenants = new Map<string, TenantState>();
  function tenantState(tenantId: string): TenantState {
    let state = tenants.get(tenantId);
    if (state) {
      tenants.delete(tenantId);
    } else {
      state = { index: null, building: null, rules: null, model: null, side: null };
    }
    tenants.set(tenantId, state);
    while (tenants.size > maxTenants) tenants.delete(tenants.keys().next().value as string);
    return state;
  }

  async function catalogVersion(tenantId: string): Promise<number> {
    const value = await cache.get<number | string>(cacheKeys.catalogVersion(tenantId));
    const n = Number(value ?? 0);
    return Number.isFinite(n) ? n : 0;
  }

  /** The index for this catalog version; concurrent requests share one rebuild. */
  async function catalogIndex(tenantId: string, state: TenantState, version: number): Promise<CatalogIndex> {
    const now = clock().getTime();
    const current = state.index;
    if (current && current.catalogVersion === version && now - current.builtAt < indexMaxAgeMs) return current;
    if (!state.building) {
      state.building = (async () => {
        const docs = await products.find(tenantId, { status: "active" }, { projection: { images: 0, source: 0 } });
        const index = buildCatalogIndex(docs, version, clock().getTime());
        state.index = index;
        state.side = null;
        logger.debug({ tenantId, products: index.size, catalogVersion: version }, "catalog index built");
        return index;
      })().finally(() => {
        state.building = null;
      });
    }
    return state.building;
  }

  async function latestRulesDoc(tenantId: string): Promise<RulesDoc | null> {
    return rulesDocs.findOne(tenantId, {}, { sort: { version: -1 } });
  }

  async function activeModelDoc(tenantId: string, withWeights: boolean): Promise<ModelDoc | null> {
    return models.findOne(
      tenantId,
      { kind: MODEL_KIND, status: "active" },
      withWeights ? { sort: { version: -1 } } : { sort: { version: -1 }, projection: { weights: 0, popularity: 0 } },
    );
  }

  /** Rules and model in force for the tenant, reloaded when another process (or this one) changed them. */
  async function versions(tenantId: string, state: TenantState) {
    let current = await cache.get<{ rules: number; model: number }>(keys.state(tenantId));
    if (!current) {
      const [rulesDoc, modelDoc] = await Promise.all([latestRulesDoc(tenantId), activeModelDoc(tenantId, false)]);
      current = { rules: rulesDoc?.version ?? 0, model: modelDoc?.version ?? 0 };
      await cache.set(keys.state(tenantId), current, 60 * 60_000);
    }
    if (state.rules?.version !== current.rules) {
      const doc = current.rules ? await rulesDocs.findOne(tenantId, { version: current.rules }) : null;
      state.rules = doc ? { version: doc.version, rules: doc.rules } : { version: 0, rules: DEFAULT_STYLE_RULES };
    }
    if (state.model?.version !== current.model) {
      const doc = current.model ? await models.findOne(tenantId, { kind: MODEL_KIND, version: current.model }) : null;
      const weights = doc?.weights ? deserialiseWeights(doc.weights) : null;
      state.model = {
        version: current.model,
        loaded:
          doc && weights
            ? {
                version: doc.version,
                weights,
                popularity: new Map((doc.popularity?.ids ?? []).map((id, i) => [id, doc.popularity?.values[i] ?? 0])),
              }
            : null,
      };
      state.side = null;
    }
    return { rules: state.rules, model: state.model.loaded };
  }

  function itemSide(state: TenantState, index: CatalogIndex, model: LoadedModel): ItemSide {
    const key = `${index.builtAt}:${index.catalogVersion}:${model.version}`;
    if (state.side?.key === key) return state.side.side;
    const popularity = new Float32Array(index.size);
    for (let i = 0; i < index.size; i++) popularity[i] = model.popularity.get(index.ids[i] as string) ?? 0;
    const side = prepareItemSide(model.weights, index.features, index.size, popularity);
    state.side = { key, side };
    return side;
  }

  async function shopperHistory(tenantId: string, shopperId: string): Promise<string[]> {
    const docs = await events.find(
      tenantId,
      { shopperId, type: { $in: POSITIVE_TYPES } },
      { sort: { occurredAt: -1 }, limit: HISTORY_LENGTH, projection: { productId: 1 } },
    );
    return docs.map((d) => d.productId).filter((id): id is string => typeof id === "string");
  }

  async function resolveProfile(tenantId: string, request: RecommendationRequest) {
    let measurements: Partial<FaceMeasurements> | undefined = request.measurements;
    let probabilities: FaceShapeProbabilities | null = null;
    let label: FaceShape | null = null;
    let analysis: { shopperId: string | null; expiresAt: Date } | null = null;
    if (request.faceAnalysisId) {
      const doc = await faces.findById(tenantId, request.faceAnalysisId);
      // Expiry is not instantaneous in MongoDB's TTL monitor: check it here too. An analysis
      // kept for one shopper is not another's to use (it answers as unknown).
      if (
        !doc ||
        new Date(doc.expiresAt).getTime() <= clock().getTime() ||
        (doc.shopperId && request.shopperId && doc.shopperId !== request.shopperId)
      ) {
        throw new AppError("NOT_FOUND", "Face analysis not found or expired", {
          details: { field: "faceAnalysisId" },
        });
      }
      analysis = { shopperId: doc.shopperId, expiresAt: new Date(doc.expiresAt) };
      measurements = { ...doc.measurements, ...request.measurements };
      label = doc.faceShape.label;
      probabilities = toProbabilities(doc.faceShape.scores) ?? { [label]: 1 };
    }
    if (request.faceShape) {
      label = request.faceShape;
      probabilities = { [label]: 1 };
    }
    if (!measurements && !label) {
      throw new AppError("INVALID_INPUT", "Give faceAnalysisId, measurements or faceShape", {
        details: { issues: [{ path: "faceAnalysisId", message: "one of faceAnalysisId, measurements, faceShape" }] },
      });
    }
    // The profile bucket: measurements rounded to what changes a fit (and what is stored).
    const face: FaceSize | null =
      measurements?.pupillaryDistanceMm !== undefined && measurements.faceWidthMm !== undefined
        ? {
            pupillaryDistanceMm: round(measurements.pupillaryDistanceMm, 0.5),
            faceWidthMm: round(measurements.faceWidthMm, 1),
            faceLengthMm: measurements.faceLengthMm === undefined ? undefined : round(measurements.faceLengthMm, 2),
          }
        : null;
    if (probabilities) {
      const rounded: FaceShapeProbabilities = {};
      for (const [shape, p] of Object.entries(probabilities)) {
        if (p >= 0.05) rounded[shape as FaceShape] = round(p, 0.05);
      }
      probabilities = toProbabilities(rounded) ?? probabilities;
    }
    return { face, probabilities, label, analysis };
  }

  async function recommend(tenantId: string, given: RecommendationRequest): Promise<RecommendationResponse> {
    // Lawful basis (README, "Privacy"): a shopper id is personal data kept only with consent.
    if (!shopperIdAllowed(given)) {
      throw new AppError("INVALID_INPUT", CONSENT_REQUIRED_MESSAGE, {
        details: { reason: CONSENT_REQUIRED, issues: [{ path: "consent", message: CONSENT_REQUIRED_MESSAGE }] },
      });
    }
    // One stored form per shopper (a gid and the plain id agree; an email is never kept in clear).
    const request = given.shopperId ? { ...given, shopperId: shoppers.normalise(given.shopperId) } : given;
    const { face, probabilities, label, analysis } = await resolveProfile(tenantId, request);
    const filters = request.filters ?? {};
    const maxPriceMinor = filters.maxPrice === undefined ? undefined : (priceToMinor(filters.maxPrice) ?? undefined);
    const state = tenantState(tenantId);
    const [catVersion, current] = await Promise.all([catalogVersion(tenantId), versions(tenantId, state)]);
    const model = current.model;
    const history = model && request.shopperId ? await shopperHistory(tenantId, request.shopperId) : [];
    const modelVersion = model ? `pref-v${model.version}` : null;

    const bucket = hash({ face, probabilities, label, filters, limit: request.limit, history });
    const cacheKey = `${keys.results(tenantId)}c${catVersion}:r${current.rules.version}:m${model?.version ?? 0}:${bucket}`;
    let result = await cache.get<{ items: RecommendationResponse["items"]; reason?: string }>(cacheKey);
    if (!result) {
      const index = await catalogIndex(tenantId, state, catVersion);
      let preference = null;
      if (model) {
        const side = itemSide(state, index, model);
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
        preference = { weights: model.weights, side, user, personalised: rows.length > 0 };
      }
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
          maxPriceMinor,
        },
        limit: request.limit,
        preference,
        diversity: options.diversity,
      });
      await cache.set(cacheKey, result, cacheTtlMs);
    }

    const id = newId("recommendation");
    const now = clock();
    const historyMs = daysToMs((await retention.get(tenantId)).historyDays);
    // Derived from a face analysis = face data: the record belongs to the analysis's shopper
    // (exported and erased with them) and goes when the analysis does, if that is sooner.
    const expiresAt = new Date(
      Math.min(now.getTime() + historyMs, analysis ? analysis.expiresAt.getTime() : Number.POSITIVE_INFINITY),
    );
    await records.insertOne(tenantId, {
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
      filters,
      items: result.items.map((item) => ({ productId: item.productId, score: item.score })),
      modelVersion,
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { id, items: result.items, ...(result.reason ? { reason: result.reason } : {}), modelVersion };
  }

  async function previewRanking(tenantId: string, request: PreviewRequest) {
    const { face, probabilities, label } = await resolveProfile(tenantId, {
      limit: request.limit,
      filters: {},
      ...(request.faceShape ? { faceShape: request.faceShape } : {}),
      ...(request.measurements ? { measurements: request.measurements } : {}),
    });
    const state = tenantState(tenantId);
    const [catVersion, current] = await Promise.all([catalogVersion(tenantId), versions(tenantId, state)]);
    const index = await catalogIndex(tenantId, state, catVersion);
    const result = rank({
      index,
      face,
      faceShape: probabilities,
      faceShapeLabel: label,
      rules: request.rules ?? current.rules.rules,
      filters: {},
      limit: request.limit,
      preference: null,
      diversity: options.diversity,
    });
    return { items: result.items, ...(result.reason ? { reason: result.reason } : {}) };
  }

  async function invalidate(tenantId: string): Promise<void> {
    await cache.delete(keys.state(tenantId));
    await cache.deleteByPrefix(keys.results(tenantId));
  }

  async function getRules(tenantId: string): Promise<RulesView> {
    const doc = await latestRulesDoc(tenantId);
    if (!doc) return { version: 0, rules: DEFAULT_STYLE_RULES, isDefault: true, updatedAt: null, updatedBy: null };
    return {
      version: doc.version,
      rules: doc.rules,
      isDefault: false,
      updatedAt: doc.updatedAt,
      updatedBy: doc.updatedBy,
    };
  }

  async function putRules(
    tenantId: string,
    rules: StyleRules,
    actor: string,
    expectedVersion?: number,
  ): Promise<RulesView> {
    const parsed = StyleRulesSchema.parse(rules);
    const latest = await latestRulesDoc(tenantId);
    const current = latest?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) {
      throw new AppError("CONFLICT", `The rules are at version ${current}, not ${expectedVersion}`, {
        details: { currentVersion: current },
      });
    }
    const doc = {
      id: newId("recommendation").replace(/^rec_/, "rul_"),
      version: current + 1,
      rules: parsed,
      updatedAt: clock().toISOString(),
      updatedBy: actor,
    };
    // The unique version index turns two concurrent edits into one success and one CONFLICT.
    await rulesDocs.insertOne(tenantId, doc);
    await invalidate(tenantId);
    return { version: doc.version, rules: parsed, isDefault: false, updatedAt: doc.updatedAt, updatedBy: actor };
  }

  async function nextModelVersion(tenantId: string): Promise<number> {
    const last = await models.findOne(
      tenantId,
      { kind: MODEL_KIND },
      { sort: { version: -1 }, projection: { version: 1 } },
    );
    return (last?.version ?? 0) + 1;
  }

  async function trainPreferenceModel(tenantId: string): Promise<TrainResult> {
    if (!(await cache.setIfAbsent(keys.trainLock(tenantId), clock().toISOString(), 30 * 60_000))) {
      throw new AppError("CONFLICT", "A training run for this tenant is already in progress");
    }
    try {
      return await train(tenantId);
    } finally {
      await cache.delete(keys.trainLock(tenantId));
    }
  }

  async function train(tenantId: string): Promise<TrainResult> {
    const state = tenantState(tenantId);
    const index = await catalogIndex(tenantId, state, await catalogVersion(tenantId));
    const rules = (await versions(tenantId, state)).rules.rules;
    const now = clock();
    const since = new Date(now.getTime() - (options.trainingWindowDays ?? 90) * 86_400_000).toISOString();
    const all = await events.find(
      tenantId,
      { type: { $in: POSITIVE_TYPES }, occurredAt: { $gte: since } },
      {
        sort: { occurredAt: 1 },
        limit: options.maxTrainingEvents ?? 200_000,
        projection: { type: 1, sessionId: 1, shopperId: 1, productId: 1, occurredAt: 1, properties: 1 },
      },
    );
    const usable = all.filter((e) => e.productId !== undefined && index.byId.has(e.productId));
    const trainedAt = now.toISOString();
    const version = await nextModelVersion(tenantId);
    const minEvents = options.minTrainingEvents ?? 200;
    if (usable.length < minEvents || index.size < 2) {
      const reason = `${usable.length} usable events (at least ${minEvents} needed); fit + style stay in force`;
      await models.insertOne(tenantId, {
        id: newId("model"),
        kind: MODEL_KIND,
        version,
        status: "skipped",
        trainedAt,
        dataFrom: usable[0]?.occurredAt ?? null,
        dataTo: usable.at(-1)?.occurredAt ?? null,
        metrics: { usableEvents: usable.length, reason },
        weights: null,
        popularity: null,
      });
      return { status: "skipped", version, reason, trainedAt };
    }

    // Face context per shopper: consented face analyses, then consented profiles kept with recommendations.
    const profiles = new Map<string, StoredProfile>();
    const recordProfiles = new Map<string, StoredProfile>();
    const recs = await records.find(
      tenantId,
      { profile: { $ne: null } },
      { sort: { createdAt: 1 }, limit: 100_000, projection: { shopperId: 1, profile: 1 } },
    );
    for (const r of recs) {
      if (!r.profile) continue;
      recordProfiles.set(r.id, r.profile);
      if (r.shopperId) profiles.set(r.shopperId, r.profile);
    }
    const analyses = await faces.find(
      tenantId,
      { shopperId: { $ne: null } },
      { limit: 100_000, projection: { shopperId: 1, measurements: 1, faceShape: 1, expiresAt: 1 } },
    );
    for (const a of analyses) {
      if (!a.shopperId || new Date(a.expiresAt).getTime() <= now.getTime()) continue;
      profiles.set(a.shopperId, {
        faceShape: toProbabilities(a.faceShape.scores) ?? { [a.faceShape.label]: 1 },
        pupillaryDistanceMm: a.measurements.pupillaryDistanceMm,
        faceWidthMm: a.measurements.faceWidthMm,
        faceLengthMm: a.measurements.faceLengthMm ?? null,
      });
    }

    const m = usable.length;
    const holdoutShare = options.training?.holdoutShare ?? 0.1;
    const trainCount = m - Math.min(Math.floor(m * holdoutShare), 20_000);
    // Popularity from the training part only, so the holdout measures what the model would have known.
    const counts = new Float32Array(index.size);
    for (let e = 0; e < trainCount; e++) {
      const ev = usable[e] as EventDoc;
      const row = index.byId.get(ev.productId as string) as number;
      counts[row] = (counts[row] as number) + (EVENT_WEIGHTS[ev.type] ?? 0);
    }
    let maxCount = 0;
    for (const c of counts) maxCount = Math.max(maxCount, c);
    const popularity = new Float32Array(index.size);
    for (let i = 0; i < index.size; i++)
      popularity[i] = maxCount > 0 ? Math.log1p(counts[i] as number) / Math.log1p(maxCount) : 0;
    const items = new Float32Array(index.features);
    for (let i = 0; i < index.size; i++) items[i * ITEM_DIM + POPULARITY_OFFSET] = popularity[i] as number;

    const contexts = new Float32Array(m * CONTEXT_DIM);
    const histories = new Float32Array(m * HISTORY_DIM);
    const positives = new Int32Array(m);
    const weights = new Float32Array(m);
    const profileOf = new Int32Array(m).fill(-1);
    const profileList: Array<{ face: FaceSize | null; styles: Float32Array }> = [];
    const profileIds = new Map<StoredProfile, number>();
    const historyOf = new Map<string, number[]>();
    const shoppers = new Set<string>();
    usable.forEach((ev, e) => {
      const row = index.byId.get(ev.productId as string) as number;
      const who = ev.shopperId ?? `session:${ev.sessionId}`;
      shoppers.add(who);
      const fromRecord =
        typeof ev.properties?.recommendationId === "string"
          ? recordProfiles.get(ev.properties.recommendationId)
          : undefined;
      const profile = fromRecord ?? (ev.shopperId ? profiles.get(ev.shopperId) : undefined);
      if (profile) {
        let p = profileIds.get(profile);
        if (p === undefined) {
          p = profileList.length;
          profileIds.set(profile, p);
          profileList.push({
            face:
              profile.pupillaryDistanceMm !== null && profile.faceWidthMm !== null
                ? {
                    pupillaryDistanceMm: profile.pupillaryDistanceMm,
                    faceWidthMm: profile.faceWidthMm,
                    faceLengthMm: profile.faceLengthMm ?? undefined,
                  }
                : null,
            styles: styleTable(rules, profile.faceShape),
          });
        }
        profileOf[e] = p;
      }
      contextFeatures(
        {
          faceShape: profile?.faceShape ?? null,
          pupillaryDistanceMm: profile?.pupillaryDistanceMm ?? null,
          faceWidthMm: profile?.faceWidthMm ?? null,
        },
        contexts,
        e,
      );
      const past = historyOf.get(who) ?? [];
      historyFeatures(items, null, past, histories, e);
      positives[e] = row;
      weights[e] = EVENT_WEIGHTS[ev.type] ?? 1;
      if (past.at(-1) !== row) {
        past.push(row);
        if (past.length > HISTORY_LENGTH) past.shift();
      }
      historyOf.set(who, past);
    });
    const neutral = styleTable(rules, null);

    const { weights: learned, metrics } = await trainPreferenceWeights(
      {
        items,
        itemCount: index.size,
        contexts,
        histories,
        positives,
        weights,
        pair(example, item, out, at) {
          const p = profileOf[example] as number;
          const profile = p >= 0 ? profileList[p] : undefined;
          const f = profile?.face
            ? combinedFit(
                index.frameWidth[item] as number,
                index.lensWidth[item] as number,
                index.bridgeWidth[item] as number,
                index.lensHeight[item] as number,
                profile.face,
              )
            : Number.NaN;
          out[at] = Number.isNaN(f) ? 0 : f;
          out[at + 1] = Number.isNaN(f) ? 0 : 1;
          const styles = profile?.styles ?? neutral;
          out[at + 2] = styles[
            (index.shapeSlot[item] as number) * RIM_SLOTS + (index.rimSlot[item] as number)
          ] as number;
        },
      },
      options.training,
    );

    // A model that does not beat fit + style on the newest events is recorded but not used.
    const status = metrics.holdoutAuc > metrics.rulesHoldoutAuc ? "active" : "rejected";
    const top = Array.from(popularity.keys())
      .filter((i) => (popularity[i] as number) > 0)
      .sort((a, b) => (popularity[b] as number) - (popularity[a] as number))
      .slice(0, POPULARITY_KEEP);
    if (status === "active") {
      await models.updateMany(tenantId, { kind: MODEL_KIND, status: "active" }, { $set: { status: "superseded" } });
    }
    await models.insertOne(tenantId, {
      id: newId("model"),
      kind: MODEL_KIND,
      version,
      status,
      trainedAt,
      dataFrom: usable[0]?.occurredAt ?? null,
      dataTo: usable.at(-1)?.occurredAt ?? null,
      metrics: { ...metrics, usableEvents: m, shoppers: shoppers.size },
      weights: serialiseWeights(learned),
      popularity: { ids: top.map((i) => index.ids[i] as string), values: top.map((i) => popularity[i] as number) },
    });
    await invalidate(tenantId);
    logger.info({ tenantId, version, status, metrics }, "preference model trained");
    return { status, version, metrics, trainedAt };
  }

  async function listModels(tenantId: string) {
    return models.find(
      tenantId,
      { kind: MODEL_KIND },
      { sort: { version: -1 }, limit: 20, projection: { weights: 0, popularity: 0 } },
    );
  }

  const shopperFilter = (subject: PrivacySubject) =>
    subject.kind === "tenant" ? {} : subject.shopperId ? { shopperId: subject.shopperId } : null;

  privacy.register({
    name: "recommendations.history",
    async export(subject) {
      const filter = shopperFilter(subject);
      if (!filter) return [];
      const docs = await records.find(subject.tenantId, filter, { sort: { createdAt: -1 }, limit: 10_000 });
      return docs.map(({ expiresAt, ...doc }) => ({ ...doc, expiresAt: new Date(expiresAt).toISOString() }));
    },
    async erase(subject) {
      const filter = shopperFilter(subject);
      if (!filter) return 0;
      let removed = await records.deleteMany(subject.tenantId, filter);
      if (subject.kind === "tenant") {
        removed += await models.deleteMany(subject.tenantId, {});
        removed += await rulesDocs.deleteMany(subject.tenantId, {});
        tenants.delete(subject.tenantId);
      }
      await invalidate(subject.tenantId);
      return removed;
    },
  });

  let timer: NodeJS.Timeout | null = null;
  let scheduledRun: Promise<void> | null = null;
  async function retrainAll(): Promise<void> {
    const tenantDocs = await store
      .globalCollection<{ id: string; status?: string }>(COLLECTIONS.tenants)
      .find({ status: "active" }, { projection: { id: 1 } });
    for (const { id } of tenantDocs) {
      try {
        const last = await activeModelDoc(id, false);
        const fresh = await events.count(id, {
          type: { $in: POSITIVE_TYPES },
          ...(last?.dataTo ? { occurredAt: { $gt: last.dataTo } } : {}),
        });
        if (fresh === 0) continue;
        await trainPreferenceModel(id);
      } catch (error) {
        logger.warn({ tenantId: id, err: error }, "scheduled training failed");
      }
    }
  }

  const service: RecommendationsService = {
    name: "recommendations",
    router: undefined as never,
    openapi: recommendationsOpenApi(),
    recommend,
    getRules,
    previewRanking,
    putRules,
    trainPreferenceModel,
    listModels,
    async start() {
      await linkFaceRecords({
        records,
        faces,
        tenants: store.globalCollection<{ id: string }>(COLLECTIONS.tenants),
        migrations: store.globalCollection<{ id: string; at: string }>(RECS_COLLECTIONS.migrations),
        logger,
        now: clock(),
      }).catch((error: unknown) => logger.warn({ err: error }, "linking recommendation records failed"));
      const interval = options.retrainIntervalMs === undefined ? 86_400_000 : options.retrainIntervalMs;
      if (interval === null || timer) return;
      timer = setInterval(() => {
        if (scheduledRun) return;
        scheduledRun = retrainAll().finally(() => {
          scheduledRun = null;
        });
      }, interval);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await scheduledRun;
    },
  };
  service.router = createRecommendationsRouter(service);
  return service;
}
