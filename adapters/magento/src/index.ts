import {
  type AdapterDeps,
  adapterError,
  type CommerceAdapter,
  DEFAULT_FRAME_ATTRIBUTE_NAMES,
  FrameAttributeNamesOptionSchema,
  type GetProductResult,
  parseAdapterOptions,
  type RateLimitSignal,
} from "@varai/commerce";
import { type AppError, err, ok, type Result } from "@varai/schema";
import { z } from "zod";
import { createMagentoClient, type MagentoAuth, type Query } from "./client.ts";
import { toAdapterError } from "./errors.ts";
import { AttributeListSchema, SearchResultSchema, StoreConfigSchema } from "./platform-schemas.ts";
import { BRAND_CODES, customAttributePairs, fromMagento, OPTION_ID_VALUE, type TransformContext } from "./transform.ts";
import { parseMagentoWebhook } from "./webhooks.ts";

export { createMagentoOAuthSigner, encodeQuery } from "./client.ts";
export { toAdapterError } from "./errors.ts";
export { MAGENTO_EVENT_TOPICS, routeMagentoWebhook } from "./webhooks.ts";

export const MAGENTO_API_VERSION = "V1";
/** Magento has no hard cap, but without `pageSize` it returns the WHOLE catalog: always send one. */
export const MAGENTO_MAX_PAGE_SIZE = 300;
export const MAGENTO_DEFAULT_PAGE_SIZE = 100;

const OAuthCredentials = z.object({
  consumerKey: z.string().min(1),
  consumerSecret: z.string().min(1),
  accessToken: z.string().min(1),
  accessTokenSecret: z.string().min(1),
});

export const MagentoAdapterOptionsSchema = z.object({
  connectionId: z.string().min(1),
  /** The storefront base URL (`https://shop.example`). */
  storeUrl: z.string().url(),
  /** Store view code in `/rest/{store}/V1`. */
  storeCode: z
    .string()
    .regex(/^[a-z0-9_]+$/i)
    .default("default"),
  /**
   * Integration OAuth 1.0a values, or `{accessToken}` alone for Bearer (2.4.4+ only when the
   * store enables "Allow OAuth Access Tokens to be used as standalone Bearer tokens").
   */
  credentials: z.union([OAuthCredentials, z.object({ accessToken: z.string().min(1) })]),
  /** The connection's secret shared with the VARAi Magento module (X-Varai-Signature). */
  webhookSecret: z.string().min(1),
  /** Overrides `storeUrl` for API calls (the simulator, a proxy). */
  apiBaseUrl: z.string().url().optional(),
  frameAttributeNames: FrameAttributeNamesOptionSchema,
  /** How long attribute option labels and the store config are cached by this adapter instance. */
  cacheTtlMs: z
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
});
export type MagentoAdapterOptions = z.input<typeof MagentoAdapterOptionsSchema>;

export interface MagentoAdapter extends CommerceAdapter {
  /** GET /V1/products/{sku}, with the SKU URL-encoded (SKUs may contain `/`). */
  getProductBySku(sku: string): Promise<Result<GetProductResult, AppError>>;
}

export function createMagentoAdapter(options: MagentoAdapterOptions, deps: AdapterDeps): MagentoAdapter {
  const o = parseAdapterOptions(MagentoAdapterOptionsSchema, options, "Magento");
  const base = (o.apiBaseUrl ?? o.storeUrl).replace(/\/+$/, "");
  const auth: MagentoAuth =
    "consumerKey" in o.credentials
      ? { kind: "oauth1", ...o.credentials }
      : { kind: "bearer", accessToken: o.credentials.accessToken };
  const request = createMagentoClient({ restBase: `${base}/rest/${o.storeCode}/${MAGENTO_API_VERSION}`, auth }, deps);
  const invalid = (message: string) => toAdapterError({ kind: "invalid-response", message });
  const now = () => deps.clock().getTime();

  // Caches live as long as this adapter instance, bounded by TTL and size.
  let storeConfig: { value: z.infer<typeof StoreConfigSchema>; expires: number } | null = null;
  const optionLabels = new Map<string, { labels: Map<string, string>; expires: number }>();
  const names = { ...DEFAULT_FRAME_ATTRIBUTE_NAMES, ...o.frameAttributeNames };
  const resolvable = new Set([...Object.keys(names).map((n) => n.toLowerCase()), ...BRAND_CODES]);

  const loadStoreConfig = async (): Promise<Result<z.infer<typeof StoreConfigSchema>, AppError>> => {
    if (storeConfig && storeConfig.expires > now()) return ok(storeConfig.value);
    const r = await request("/store/storeConfigs");
    if (!r.ok) return r;
    const list = z.array(z.unknown()).safeParse(r.value.body);
    const mine = list.success
      ? list.data.map((c) => StoreConfigSchema.safeParse(c)).find((c) => c.success && c.data.code === o.storeCode)
      : undefined;
    if (!mine?.success) return err(invalid(`storeConfigs has no store "${o.storeCode}"`));
    storeConfig = { value: mine.data, expires: now() + o.cacheTtlMs };
    return ok(mine.data);
  };

  /**
   * One call for every attribute code whose labels are missing or stale: the attribute list
   * (`GET /V1/products/attributes`, attribute_code `in`) carries each select's options, where
   * `/V1/products/attributes/{code}/options` would cost a call per code against the host's limit.
   * A code the store does not have, or a text attribute, has no options: "no labels".
   */
  const loadOptions = async (codes: readonly string[]): Promise<Result<void, AppError>> => {
    const r = await request("/products/attributes", [
      ["searchCriteria[filter_groups][0][filters][0][field]", "attribute_code"],
      ["searchCriteria[filter_groups][0][filters][0][value]", codes.join(",")],
      ["searchCriteria[filter_groups][0][filters][0][condition_type]", "in"],
      ["searchCriteria[pageSize]", String(codes.length)],
      ["searchCriteria[currentPage]", "1"],
    ]);
    if (!r.ok) return r;
    const list =
      r.value.status === 404
        ? { success: true as const, data: { items: [] } }
        : AttributeListSchema.safeParse(r.value.body);
    if (!list.success) return err(invalid(`attributes ${codes.join(",")}`));
    const byCode = new Map(list.data.items.map((a) => [a.attribute_code, a.options ?? []]));
    if (optionLabels.size + codes.length > 500) optionLabels.clear();
    for (const code of codes)
      optionLabels.set(code, {
        labels: new Map((byCode.get(code) ?? []).filter((x) => x.value !== "").map((x) => [x.value, x.label.trim()])),
        expires: now() + o.cacheTtlMs,
      });
    return ok(undefined);
  };

  /**
   * Resolves option ids to labels for the attributes the mapping reads: one attribute-list call
   * per TTL for all of them, and one refresh when an id is unknown (an option added since).
   */
  const prepareLabels = async (items: readonly unknown[]): Promise<Result<void, AppError>> => {
    const wanted = new Map<string, Set<string>>();
    for (const item of items)
      for (const [code, value] of customAttributePairs(item))
        if (resolvable.has(code.toLowerCase()) && OPTION_ID_VALUE.test(value)) {
          const ids = wanted.get(code) ?? new Set();
          for (const id of value.split(",")) ids.add(id);
          wanted.set(code, ids);
        }
    const stale: string[] = [];
    for (const [code, ids] of wanted) {
      const cached = optionLabels.get(code);
      const fresh = cached && cached.expires > now();
      const complete = fresh && (cached.labels.size === 0 || [...ids].every((id) => cached.labels.has(id)));
      if (!complete) stale.push(code);
    }
    return stale.length > 0 ? loadOptions(stale) : ok(undefined);
  };

  const context = async (items: readonly unknown[]): Promise<Result<TransformContext, AppError>> => {
    const config = await loadStoreConfig();
    if (!config.ok) return config;
    const labels = await prepareLabels(items);
    if (!labels.ok) return labels;
    const media = (config.value.secure_base_media_url ?? config.value.base_media_url).replace(/\/+$/, "");
    return ok({
      connectionId: o.connectionId,
      currency: config.value.base_currency_code,
      productMediaBase: `${media}/catalog/product`,
      ...(o.frameAttributeNames ? { frameNames: o.frameAttributeNames } : {}),
      label: (code, value) => optionLabels.get(code)?.labels.get(value) ?? value,
    });
  };

  const search = async (criteria: Query) => {
    const r = await request("/products", criteria);
    if (!r.ok) return r;
    if (r.value.status === 404) return err(invalid("products endpoint missing (wrong store code?)"));
    const result = SearchResultSchema.safeParse(r.value.body);
    if (!result.success) return err(invalid("products search result"));
    return ok({ ...result.data, rateLimit: r.value.rateLimit });
  };

  const single = async (
    items: readonly unknown[],
    rateLimit: RateLimitSignal | null,
  ): Promise<Result<GetProductResult, AppError>> => {
    if (items.length === 0) return ok({ product: null, rateLimit });
    const ctx = await context(items);
    if (!ctx.ok) return ctx;
    const draft = fromMagento(items[0], ctx.value);
    if (!draft.ok) return err(invalid(`product ${draft.error.externalId}: ${draft.error.message}`));
    return ok({ product: draft.value, rateLimit });
  };

  const getProductBySku: MagentoAdapter["getProductBySku"] = async (sku) => {
    // encodeURIComponent turns `/` into %2F (the store's web server must pass it through).
    const r = await request(`/products/${encodeURIComponent(sku)}`);
    if (!r.ok) return r;
    return single(r.value.status === 404 ? [] : [r.value.body], r.value.rateLimit);
  };

  const unsupported = () =>
    err(
      adapterError("UNSUPPORTED", "Magento has no webhook API: events come from the VARAi module", {
        platform: "magento",
      }),
    );

  return {
    platform: "magento",
    capabilities: {
      pagination: "page",
      maxPageSize: MAGENTO_MAX_PAGE_SIZE,
      incrementalSync: true,
      webhookRegistration: false,
      fullWebhookPayloads: false,
    },

    parseWebhook: (req) => parseMagentoWebhook(req, o.webhookSecret),

    async listProducts(query) {
      const page = query.cursor ? Number(query.cursor) : 1;
      if (!Number.isInteger(page) || page < 1) return err(invalid(`bad cursor ${query.cursor}`));
      const pageSize = Math.min(
        MAGENTO_MAX_PAGE_SIZE,
        Math.max(1, Math.floor(query.pageSize ?? MAGENTO_DEFAULT_PAGE_SIZE)),
      );
      // Always sorted by entity_id: without a stable sort pages overlap (magento2 #25001).
      const criteria: Array<[string, string]> = [
        ["searchCriteria[sortOrders][0][field]", "entity_id"],
        ["searchCriteria[sortOrders][0][direction]", "ASC"],
        ["searchCriteria[pageSize]", String(pageSize)],
        ["searchCriteria[currentPage]", String(page)],
      ];
      if (query.updatedSince) {
        const since = new Date(query.updatedSince);
        if (Number.isNaN(since.getTime())) return err(invalid(`bad updatedSince ${query.updatedSince}`));
        // Magento stores updated_at in UTC as "Y-m-d H:i:s". `gteq` = the port's "at or after";
        // the engine's overlap window covers clock skew.
        criteria.push(
          ["searchCriteria[filter_groups][0][filters][0][field]", "updated_at"],
          ["searchCriteria[filter_groups][0][filters][0][value]", since.toISOString().slice(0, 19).replace("T", " ")],
          ["searchCriteria[filter_groups][0][filters][0][condition_type]", "gteq"],
        );
      }
      const result = await search(criteria);
      if (!result.ok) return result;
      const lastPage = Math.ceil(result.value.total_count / pageSize);
      // A page past the end answers the LAST page again (magento2 #8099, #26986), e.g. when a
      // resumed cursor outlived deleted products: total_count decides, never an empty page.
      if (page > lastPage) return ok({ items: [], nextCursor: null, rateLimit: result.value.rateLimit });
      const ctx = await context(result.value.items);
      if (!ctx.ok) return ctx;
      return ok({
        items: result.value.items.map((item) => fromMagento(item, ctx.value)),
        nextCursor: page < lastPage ? String(page + 1) : null,
        rateLimit: result.value.rateLimit,
      });
    },

    /** By entity id (the external id); `sku:<SKU>` reads by SKU instead. */
    async getProduct(externalId) {
      if (externalId.startsWith("sku:")) return getProductBySku(externalId.slice(4));
      if (!/^\d+$/.test(externalId)) return ok({ product: null, rateLimit: null });
      // REST reads one product by SKU only; by id it is a one-item search.
      const result = await search([
        ["searchCriteria[filter_groups][0][filters][0][field]", "entity_id"],
        ["searchCriteria[filter_groups][0][filters][0][value]", externalId],
        ["searchCriteria[filter_groups][0][filters][0][condition_type]", "eq"],
        ["searchCriteria[pageSize]", "1"],
        ["searchCriteria[currentPage]", "1"],
      ]);
      if (!result.ok) return result;
      return single(result.value.total_count === 0 ? [] : result.value.items, result.value.rateLimit);
    },

    getProductBySku,

    async getStoreInfo() {
      storeConfig = null;
      const config = await loadStoreConfig();
      if (!config.ok) return config;
      return ok({ currency: config.value.base_currency_code, name: null });
    },

    registerWebhooks: async () => unsupported(),
    listWebhooks: async () => unsupported(),
  };
}
