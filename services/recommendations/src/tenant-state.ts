import { type Cache, type Clock, cacheKeys, type Logger } from "@varai/runtime";
import type { StyleRules } from "@varai/schema";
import { buildCatalogIndex, type CatalogIndex } from "./catalog-index.ts";
import { MODEL_KIND, type ModelDoc, type RecsCollections, type RulesDoc } from "./collections.ts";
import { type ItemSide, prepareItemSide } from "./preference-serving.ts";
import { deserialiseWeights, type PreferenceWeights } from "./preference-weights.ts";
import { DEFAULT_STYLE_RULES } from "./style-rules.ts";

/** Cache keys of this service. */
export const recsKeys = {
  /** Rules and model versions in force; deleted on change so every process reloads from the store. */
  state: (t: string) => `recs:state:${t}`,
  results: (t: string) => `recs:results:${t}:`,
  trainLock: (t: string) => `recs:train-lock:${t}`,
};

export interface LoadedModel {
  version: number;
  weights: PreferenceWeights;
  popularity: Map<string, number>;
}

/** What one process keeps in memory per tenant. */
export interface TenantState {
  index: CatalogIndex | null;
  building: Promise<CatalogIndex> | null;
  rules: { version: number; rules: StyleRules } | null;
  model: { version: number; loaded: LoadedModel | null } | null;
  side: { key: string; side: ItemSide } | null;
}

export interface TenantStates {
  /** The tenant's state, marked as most recently used (the least recently used go past the bound). */
  get(tenantId: string): TenantState;
  forget(tenantId: string): void;
  catalogVersion(tenantId: string): Promise<number>;
  /** The index for this catalog version; concurrent requests share one rebuild. */
  catalogIndex(tenantId: string, state: TenantState, version: number): Promise<CatalogIndex>;
  /** Rules and model in force for the tenant, reloaded when another process (or this one) changed them. */
  versions(
    tenantId: string,
    state: TenantState,
  ): Promise<{ rules: { version: number; rules: StyleRules }; model: LoadedModel | null }>;
  /** The model's item tower over the current index, computed once per (catalog, model). */
  itemSide(state: TenantState, index: CatalogIndex, model: LoadedModel): ItemSide;
  /** After a rules or model change: every process reloads, cached lists go. */
  invalidate(tenantId: string): Promise<void>;
}

export function latestRulesDoc(collections: RecsCollections, tenantId: string): Promise<RulesDoc | null> {
  return collections.rulesDocs.findOne(tenantId, {}, { sort: { version: -1 } });
}

export function activeModelDoc(
  collections: RecsCollections,
  tenantId: string,
  withWeights: boolean,
): Promise<ModelDoc | null> {
  return collections.models.findOne(
    tenantId,
    { kind: MODEL_KIND, status: "active" },
    withWeights ? { sort: { version: -1 } } : { sort: { version: -1 }, projection: { weights: 0, popularity: 0 } },
  );
}

function loadModel(doc: ModelDoc | null): LoadedModel | null {
  const weights = doc?.weights ? deserialiseWeights(doc.weights) : null;
  if (!doc || !weights) return null;
  return {
    version: doc.version,
    weights,
    popularity: new Map((doc.popularity?.ids ?? []).map((id, i) => [id, doc.popularity?.values[i] ?? 0])),
  };
}

interface StateDeps {
  cache: Cache;
  clock: Clock;
  logger: Logger;
  collections: RecsCollections;
  indexMaxAgeMs: number;
  maxTenants: number;
}

export function createTenantStates(ctx: StateDeps): TenantStates {
  const { cache } = ctx;
  const tenants = new Map<string, TenantState>();

  return {
    get(tenantId) {
      let state = tenants.get(tenantId);
      if (state) {
        tenants.delete(tenantId);
      } else {
        state = { index: null, building: null, rules: null, model: null, side: null };
      }
      tenants.set(tenantId, state);
      while (tenants.size > ctx.maxTenants) tenants.delete(tenants.keys().next().value as string);
      return state;
    },

    forget(tenantId) {
      tenants.delete(tenantId);
    },

    async catalogVersion(tenantId) {
      const value = await cache.get<number | string>(cacheKeys.catalogVersion(tenantId));
      const n = Number(value ?? 0);
      return Number.isFinite(n) ? n : 0;
    },

    catalogIndex: (tenantId, state, version) => catalogIndexOf(ctx, tenantId, state, version),

    versions: (tenantId, state) => versionsOf(ctx, tenantId, state),

    itemSide(state, index, model) {
      const key = `${index.builtAt}:${index.catalogVersion}:${model.version}`;
      if (state.side?.key === key) return state.side.side;
      const popularity = new Float32Array(index.size);
      for (let i = 0; i < index.size; i++) popularity[i] = model.popularity.get(index.ids[i] as string) ?? 0;
      const side = prepareItemSide(model.weights, index.features, index.size, popularity);
      state.side = { key, side };
      return side;
    },

    async invalidate(tenantId) {
      await cache.delete(recsKeys.state(tenantId));
      await cache.deleteByPrefix(recsKeys.results(tenantId));
    },
  };
}

async function catalogIndexOf(
  ctx: StateDeps,
  tenantId: string,
  state: TenantState,
  version: number,
): Promise<CatalogIndex> {
  const now = ctx.clock().getTime();
  const current = state.index;
  if (current && current.catalogVersion === version && now - current.builtAt < ctx.indexMaxAgeMs) return current;
  if (!state.building) {
    state.building = (async () => {
      const docs = await ctx.collections.products.find(
        tenantId,
        { status: "active" },
        { projection: { images: 0, source: 0 } },
      );
      const index = buildCatalogIndex(docs, version, ctx.clock().getTime());
      state.index = index;
      state.side = null;
      ctx.logger.debug({ tenantId, products: index.size, catalogVersion: version }, "catalog index built");
      return index;
    })().finally(() => {
      state.building = null;
    });
  }
  return state.building;
}

async function versionsOf(ctx: StateDeps, tenantId: string, state: TenantState) {
  const { cache, collections } = ctx;
  let current = await cache.get<{ rules: number; model: number }>(recsKeys.state(tenantId));
  if (!current) {
    const [rulesDoc, modelDoc] = await Promise.all([
      latestRulesDoc(collections, tenantId),
      activeModelDoc(collections, tenantId, false),
    ]);
    current = { rules: rulesDoc?.version ?? 0, model: modelDoc?.version ?? 0 };
    await cache.set(recsKeys.state(tenantId), current, 60 * 60_000);
  }
  if (state.rules?.version !== current.rules) {
    const doc = current.rules ? await collections.rulesDocs.findOne(tenantId, { version: current.rules }) : null;
    state.rules = doc ? { version: doc.version, rules: doc.rules } : { version: 0, rules: DEFAULT_STYLE_RULES };
  }
  if (state.model?.version !== current.model) {
    const doc = current.model
      ? await collections.models.findOne(tenantId, { kind: MODEL_KIND, version: current.model })
      : null;
    state.model = { version: current.model, loaded: loadModel(doc) };
    state.side = null;
  }
  return { rules: state.rules, model: state.model.loaded };
}
