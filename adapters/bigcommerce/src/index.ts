import { createHmac } from "node:crypto";
import {
  type AdapterDeps,
  type CommerceAdapter,
  FrameAttributeNamesOptionSchema,
  parseAdapterOptions,
  type RegisterWebhooksResult,
  StoreCurrencyOptionSchema,
  type WebhookSubscription,
} from "@varai/commerce";
import { err, ok } from "@varai/schema";
import { z } from "zod";
import { createBigCommerceClient, rateLimitAsOfNow } from "./client.ts";
import { toAdapterError } from "./errors.ts";
import { HookSchema, ProductListSchema, StoreSchema } from "./platform-schemas.ts";
import { fromBigCommerce } from "./transform.ts";
import { BIGCOMMERCE_TOKEN_HEADER, parseBigCommerceWebhook } from "./webhooks.ts";

export { readRateLimit } from "./client.ts";
export { PLATFORM_LOAD_BACKOFF_MS, toAdapterError } from "./errors.ts";
export {
  BIGCOMMERCE_TOKEN_HEADER,
  bigCommerceStoreHashOf,
  REPLAY_WINDOW_MS,
  routeBigCommerceWebhook,
  verifyStandardWebhook,
} from "./webhooks.ts";

export const BIGCOMMERCE_API_VERSION = "v3";
export const BIGCOMMERCE_MAX_PAGE_SIZE = 250;
/** `options` / `modifiers` would cap a page at 10 items: never include them. */
export const BIGCOMMERCE_INCLUDE = "images,variants,custom_fields";
export const BIGCOMMERCE_WEBHOOK_SCOPES = [
  "store/product/created",
  "store/product/updated",
  "store/product/deleted",
] as const;

export const BigCommerceAdapterOptionsSchema = z.object({
  connectionId: z.string().min(1),
  storeHash: z.string().regex(/^[a-z0-9]+$/i),
  accessToken: z.string().min(1),
  /** The app's client secret (BIGCOMMERCE_CLIENT_SECRET): the Standard Webhooks signing key. */
  clientSecret: z.string().min(1).optional(),
  /**
   * The custom header value set on our hooks. Default: derived from the client secret (or the
   * access token) and the store hash, so nothing extra has to be stored per connection.
   */
  webhookSecret: z.string().min(16).optional(),
  /** Overrides `https://api.bigcommerce.com` (the simulator, a proxy). */
  apiBaseUrl: z.string().url().optional(),
  /** The store's default currency (prices in the catalog API are in it); see getStoreInfo. */
  currency: StoreCurrencyOptionSchema,
  frameAttributeNames: FrameAttributeNamesOptionSchema,
});
export type BigCommerceAdapterOptions = z.input<typeof BigCommerceAdapterOptionsSchema>;

/** The default custom-header value for a store's hooks (stable across restarts, secret to us). */
export function deriveWebhookToken(key: string, storeHash: string): string {
  return createHmac("sha256", key).update(`varai-bigcommerce-hook:${storeHash.toLowerCase()}`).digest("base64url");
}

export function createBigCommerceAdapter(options: BigCommerceAdapterOptions, deps: AdapterDeps): CommerceAdapter {
  const o = parseAdapterOptions(BigCommerceAdapterOptionsSchema, options, "BigCommerce");
  const base = (o.apiBaseUrl ?? "https://api.bigcommerce.com").replace(/\/+$/, "");
  const request = createBigCommerceClient(
    { storeBase: `${base}/stores/${o.storeHash}`, accessToken: o.accessToken },
    deps,
  );
  const token = o.webhookSecret ?? deriveWebhookToken(o.clientSecret ?? o.accessToken, o.storeHash);
  const keys = {
    storeHash: o.storeHash,
    token,
    signingKey: o.clientSecret ? Buffer.from(o.clientSecret, "utf8") : null,
    now: deps.clock,
  };
  const ctx = {
    connectionId: o.connectionId,
    currency: o.currency,
    ...(o.frameAttributeNames ? { frameNames: o.frameAttributeNames } : {}),
  };
  const invalid = (message: string) => toAdapterError({ kind: "invalid-response", message });

  const hooks = async () => {
    const r = await request("GET", "/v3/hooks");
    if (!r.ok) return r;
    const list = z.object({ data: z.array(HookSchema) }).safeParse(r.value.body);
    if (!list.success) return err(invalid("hooks list"));
    return ok(list.data.data);
  };
  const asSubscription = (h: z.infer<typeof HookSchema>): WebhookSubscription => ({
    id: h.id,
    topic: h.scope,
    address: h.destination,
    active: h.is_active,
  });
  const hookHeaders = { [BIGCOMMERCE_TOKEN_HEADER]: token };

  return {
    platform: "bigcommerce",
    capabilities: {
      pagination: "page",
      maxPageSize: BIGCOMMERCE_MAX_PAGE_SIZE,
      incrementalSync: true,
      webhookRegistration: true,
      fullWebhookPayloads: false,
    },

    parseWebhook: (req) => parseBigCommerceWebhook(req, keys),

    async listProducts(query) {
      const page = query.cursor ? Number(query.cursor) : 1;
      if (!Number.isInteger(page) || page < 1) return err(invalid(`bad cursor ${query.cursor}`));
      const limit = Math.min(
        BIGCOMMERCE_MAX_PAGE_SIZE,
        Math.max(1, Math.floor(query.pageSize ?? BIGCOMMERCE_MAX_PAGE_SIZE)),
      );
      // Products are listed by id ascending by default, so page N is stable during a backfill.
      const params: Record<string, string> = {
        include: BIGCOMMERCE_INCLUDE,
        limit: String(limit),
        page: String(page),
      };
      if (query.updatedSince) {
        const since = new Date(query.updatedSince);
        if (Number.isNaN(since.getTime())) return err(invalid(`bad updatedSince ${query.updatedSince}`));
        params["date_modified:min"] = since.toISOString().replace(/\.\d{3}Z$/, "Z");
      }
      const r = await request("GET", "/v3/catalog/products", params);
      if (!r.ok) return r;
      // A 404 on the collection means the store hash is wrong (or the store is gone).
      if (r.value.status === 404)
        return err(toAdapterError({ kind: "http", status: 404, rateLimit: r.value.rateLimit }));
      const list = ProductListSchema.safeParse(r.value.body);
      if (!list.success) return err(invalid("products page"));
      const { total_pages } = list.data.meta.pagination;
      const items = list.data.data.map((item) => fromBigCommerce(item, ctx));
      return ok({
        items,
        nextCursor: page < total_pages ? String(page + 1) : null,
        rateLimit: rateLimitAsOfNow(r.value.rateLimit, r.value.receivedAt),
      });
    },

    async getProduct(externalId) {
      if (!/^\d+$/.test(externalId)) return ok({ product: null, rateLimit: null });
      const r = await request("GET", `/v3/catalog/products/${externalId}`, { include: BIGCOMMERCE_INCLUDE });
      if (!r.ok) return r;
      if (r.value.status === 404)
        return ok({ product: null, rateLimit: rateLimitAsOfNow(r.value.rateLimit, r.value.receivedAt) });
      const body = z.object({ data: z.unknown() }).safeParse(r.value.body);
      if (!body.success) return err(invalid("product"));
      const draft = fromBigCommerce(body.data.data, ctx);
      if (!draft.ok) return err(invalid(`product ${externalId}: ${draft.error.message}`));
      return ok({ product: draft.value, rateLimit: rateLimitAsOfNow(r.value.rateLimit, r.value.receivedAt) });
    },

    async getStoreInfo() {
      const r = await request("GET", "/v2/store");
      if (!r.ok) return r;
      const s = StoreSchema.safeParse(r.value.body);
      if (!s.success) return err(invalid("store"));
      return ok({ currency: s.data.currency, name: s.data.name ?? null });
    },

    async registerWebhooks(address) {
      const existing = await hooks();
      if (!existing.ok) return existing;
      const result: RegisterWebhooksResult = { created: [], reactivated: [], alreadyPresent: 0 };
      for (const scope of BIGCOMMERCE_WEBHOOK_SCOPES) {
        const found = existing.value.find((h) => h.scope === scope && h.destination === address);
        const headerOk = found?.headers?.[BIGCOMMERCE_TOKEN_HEADER] === token;
        if (found?.is_active && headerOk) {
          result.alreadyPresent++;
          continue;
        }
        // Deactivated after ~48 h of failed retries or 90 days idle: switch it back on (and
        // refresh its header in case the token changed).
        const r = found
          ? await request("PUT", `/v3/hooks/${found.id}`, {}, { is_active: true, headers: hookHeaders })
          : await request(
              "POST",
              "/v3/hooks",
              {},
              { scope, destination: address, is_active: true, headers: hookHeaders },
            );
        if (!r.ok) return r;
        const hook = z.object({ data: HookSchema }).safeParse(r.value.body);
        if (!hook.success) return err(invalid("hook"));
        (found ? result.reactivated : result.created).push(asSubscription(hook.data.data));
      }
      return ok(result);
    },

    async listWebhooks() {
      const r = await hooks();
      return r.ok ? ok(r.value.map(asSubscription)) : r;
    },
  };
}
