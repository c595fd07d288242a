import { createSecretKey } from "node:crypto";
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
import { createGraphqlClient } from "./client.ts";
import { toAdapterError } from "./errors.ts";
import {
  ProductDataSchema,
  ProductsDataSchema,
  ShopDataSchema,
  SubscriptionCreateDataSchema,
  WebhookSubscriptionsDataSchema,
} from "./platform-schemas.ts";
import { FRAME_METAFIELD_NAMESPACES, fromGraphql, gidToId } from "./transform.ts";
import { acceptShopifyWebhook, interpretShopifyWebhook, parseShopifyWebhook } from "./webhooks.ts";

export { toAdapterError } from "./errors.ts";
export { parseJsonLossless } from "./json.ts";
export { routeShopifyWebhook, shopDomainOf } from "./webhooks.ts";

/** Pinned Admin API version: behaviour changes arrive by changing this on purpose, never implicitly. */
export const SHOPIFY_API_VERSION = "2025-10";

/**
 * Products per page when the caller does not ask. Shopify allows `first <= 250`, but a page's
 * requested cost grows with nested connections (variants, images, metafields) and one query
 * may not exceed 1000 points, so 50 keeps a page well under the cap.
 */
export const SHOPIFY_DEFAULT_PAGE_SIZE = 50;

export const ShopifyAdapterOptionsSchema = z.object({
  connectionId: z.string().min(1),
  shopDomain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*$/i, "shopDomain must be a host name like my-shop.myshopify.com")
    .transform((s) => s.toLowerCase()),
  accessToken: z.string().min(1),
  /** The app's client secret: signs every webhook of every shop. */
  apiSecret: z.string().min(1),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .default(SHOPIFY_API_VERSION),
  /** Overrides `https://{shopDomain}` (the simulator, a proxy). */
  apiBaseUrl: z.string().url().optional(),
  /** The shop's currency; webhook payloads carry prices without one. */
  currency: StoreCurrencyOptionSchema,
  frameAttributeNames: FrameAttributeNamesOptionSchema,
});
export type ShopifyAdapterOptions = z.input<typeof ShopifyAdapterOptionsSchema>;

/** Topics registered through the API. The compliance topics are declared in the app's TOML, not here. */
export const SHOPIFY_WEBHOOK_TOPICS = [
  "PRODUCTS_CREATE",
  "PRODUCTS_UPDATE",
  "PRODUCTS_DELETE",
  "APP_UNINSTALLED",
  "ORDERS_PAID",
] as const;

const PRODUCT_FIELDS = `
  id title handle vendor productType tags status updatedAt
  category { name }
  options { name values }
  variants(first: 20) { nodes { id sku price inventoryQuantity selectedOptions { name value } } }
  images(first: 10) { nodes { url altText } }
  metafields(first: 20) { nodes { namespace key value } }`;

const PRODUCTS_QUERY = `query VaraiProducts($first: Int!, $after: String, $query: String) {
  shop { currencyCode }
  products(first: $first, after: $after, query: $query, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes { ${PRODUCT_FIELDS} }
  }
}`;

const PRODUCT_QUERY = `query VaraiProduct($id: ID!) {
  shop { currencyCode }
  product(id: $id) { ${PRODUCT_FIELDS} }
}`;

const SHOP_QUERY = "query VaraiShop { shop { name currencyCode } }";

const SUBSCRIPTIONS_QUERY = `query VaraiWebhooks {
  webhookSubscriptions(first: 100) { nodes { id topic endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } }
}`;

const SUBSCRIPTION_CREATE = `mutation VaraiWebhookCreate($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}`;

export function createShopifyAdapter(options: ShopifyAdapterOptions, deps: AdapterDeps): CommerceAdapter {
  const o = parseAdapterOptions(ShopifyAdapterOptionsSchema, options, "Shopify");
  const base = (o.apiBaseUrl ?? `https://${o.shopDomain}`).replace(/\/+$/, "");
  const graphql = createGraphqlClient(
    { endpoint: `${base}/admin/api/${o.apiVersion}/graphql.json`, accessToken: o.accessToken },
    deps,
  );
  const ctx = (currency: string) => ({
    connectionId: o.connectionId,
    currency,
    ...(o.frameAttributeNames ? { frameNames: o.frameAttributeNames } : {}),
  });
  const invalid = (what: string) => toAdapterError({ kind: "invalid-response", message: what });
  // Made once per adapter (adapters are reused per connection): every delivery is verified with it.
  const hmacKey = createSecretKey(Buffer.from(o.apiSecret, "utf8"));
  const webhookCtx = ctx(o.currency);

  const listWebhooks: CommerceAdapter["listWebhooks"] = async () => {
    const r = await graphql(SUBSCRIPTIONS_QUERY);
    if (!r.ok) return r;
    const data = WebhookSubscriptionsDataSchema.safeParse(r.value.data);
    if (!data.success) return err(invalid("webhookSubscriptions"));
    return ok(
      data.data.webhookSubscriptions.nodes.map(
        (n): WebhookSubscription => ({ id: n.id, topic: n.topic, address: n.endpoint.callbackUrl ?? "", active: true }),
      ),
    );
  };

  return {
    platform: "shopify",
    capabilities: {
      pagination: "cursor",
      maxPageSize: 250,
      incrementalSync: true,
      webhookRegistration: true,
      fullWebhookPayloads: true,
    },

    parseWebhook: (request) => parseShopifyWebhook(request, hmacKey, webhookCtx),
    // The intake acknowledges after the HMAC and a syntax check; the worker maps the payload.
    acceptWebhook: (request) => acceptShopifyWebhook(request, hmacKey),
    interpretWebhook: (accepted) => interpretShopifyWebhook(accepted, webhookCtx),

    async listProducts(query) {
      const first = Math.min(250, Math.max(1, Math.floor(query.pageSize ?? SHOPIFY_DEFAULT_PAGE_SIZE)));
      const variables: Record<string, unknown> = { first, after: query.cursor ?? null };
      // Shopify search syntax; the engine's overlap window makes `>=` at second precision safe.
      if (query.updatedSince) variables.query = `updated_at:>='${query.updatedSince}'`;
      const r = await graphql(PRODUCTS_QUERY, variables);
      if (!r.ok) return r;
      const data = ProductsDataSchema.safeParse(r.value.data);
      if (!data.success) return err(invalid("products page"));
      const { shop, products } = data.data;
      return ok({
        items: products.nodes.map((node) => fromGraphql(node, ctx(shop.currencyCode))),
        nextCursor: products.pageInfo.hasNextPage ? (products.pageInfo.endCursor ?? null) : null,
        rateLimit: r.value.rateLimit,
      });
    },

    async getProduct(externalId) {
      if (!/^\d+$/.test(externalId)) return ok({ product: null, rateLimit: null });
      const r = await graphql(PRODUCT_QUERY, { id: `gid://shopify/Product/${externalId}` });
      if (!r.ok) return r;
      const data = ProductDataSchema.safeParse(r.value.data);
      if (!data.success) return err(invalid("product"));
      // GraphQL answers a missing product with `product: null`, the equivalent of a REST 404.
      if (data.data.product === null) return ok({ product: null, rateLimit: r.value.rateLimit });
      const draft = fromGraphql(data.data.product, ctx(data.data.shop.currencyCode));
      if (!draft.ok) return err(invalid(`product ${externalId}: ${draft.error.message}`));
      return ok({ product: draft.value, rateLimit: r.value.rateLimit });
    },

    async getStoreInfo() {
      const r = await graphql(SHOP_QUERY);
      if (!r.ok) return r;
      const data = ShopDataSchema.safeParse(r.value.data);
      if (!data.success) return err(invalid("shop"));
      return ok({ currency: data.data.shop.currencyCode, name: data.data.shop.name });
    },

    async registerWebhooks(address) {
      const existing = await listWebhooks();
      if (!existing.ok) return existing;
      const result: RegisterWebhooksResult = { created: [], reactivated: [], alreadyPresent: 0 };
      for (const topic of SHOPIFY_WEBHOOK_TOPICS) {
        if (existing.value.some((s) => s.topic === topic && s.address === address)) {
          result.alreadyPresent++;
          continue;
        }
        const r = await graphql(SUBSCRIPTION_CREATE, {
          topic,
          sub: { callbackUrl: address, format: "JSON", metafieldNamespaces: [...FRAME_METAFIELD_NAMESPACES] },
        });
        if (!r.ok) return r;
        const data = SubscriptionCreateDataSchema.safeParse(r.value.data);
        if (!data.success) return err(invalid("webhookSubscriptionCreate"));
        const created = data.data.webhookSubscriptionCreate;
        if (!created.webhookSubscription) {
          return err(
            toAdapterError({
              kind: "invalid-response",
              message: `webhookSubscriptionCreate ${topic}: ${created.userErrors[0]?.message ?? "refused"}`,
            }),
          );
        }
        result.created.push({ id: created.webhookSubscription.id, topic, address, active: true });
      }
      return ok(result);
    },

    listWebhooks,
  };
}

export { gidToId };
