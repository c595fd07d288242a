import { createHmac, randomUUID } from "node:crypto";
import type { SimProduct } from "./catalog.ts";
import { createShopifyAppSim, type ShopifyAppSim, type ShopifyAppSimOptions } from "./shopify-app.ts";
import {
  createSimStore,
  jsonWithNumericIds,
  type SimStore,
  type SimStoreOptions,
  type SimWebhook,
  sleep,
} from "./store.ts";

/** The first product's id is the precision-hazard id from Shopify's docs (it is not a safe JS integer). */
export const SHOPIFY_FIRST_PRODUCT_ID = "788032119674292922";
export const shopifyProductId = (index: number) => (788032119674292922n + BigInt(index) * 7919n).toString();
export const shopifyVariantId = (index: number, v: number) =>
  (40000000000000000n + BigInt(index) * 10n + BigInt(v)).toString();

export interface ShopifySimOptions extends SimStoreOptions {
  shopDomain?: string;
  accessToken?: string;
  /** The app secret that signs webhooks. */
  apiSecret?: string;
  currency?: string;
  /** Cost bucket (Standard plan: 1000 points, 100 restored per second). */
  bucketSize?: number;
  restoreRate?: number;
  /** Points per product node in a page (a stand-in for Shopify's nested-connection costing). */
  costPerProduct?: number;
  /** Include metafields in product webhooks (subscriptions created with metafieldNamespaces). */
  webhookMetafields?: boolean;
  /** The shop's billing country (ISO 3166-1 alpha-2); default US. */
  country?: string;
  /** The app side: session tokens, token exchange and refresh grants, billing, the theme's app embed. */
  app?: ShopifyAppSimOptions;
}

export interface ShopifySim {
  readonly platform: "shopify";
  readonly store: SimStore;
  readonly shopDomain: string;
  readonly accessToken: string;
  readonly apiSecret: string;
  readonly apiVersion: string;
  /** Webhook subscriptions created through the API. */
  readonly subscriptions: Array<{ id: string; topic: string; callbackUrl: string }>;
  readonly stats: { requests: number; throttled: number; pointsSpent: number };
  /** The app side (see shopify-app.ts). */
  readonly app: ShopifyAppSim;
  /** Sustainable products per second at the bucket's restore rate (the ceiling a backfill can reach). */
  ceilingProductsPerSecond(pageSize: number): number;
  externalId(index: number): string;
  indexOf(externalId: string): number;
  /** Handles a request whose path is relative to the shop root (`/admin/api/...`). */
  handle(request: Request, path: string): Promise<Response | null>;
  /** A webhook as Shopify would send it; `signature: "bad"` signs with the wrong key. */
  webhook(
    topic: string,
    options?: { index?: number; signature?: "valid" | "bad" | "none"; eventId?: string; body?: string | Buffer },
  ): SimWebhook;
  restProduct(index: number): Record<string, unknown>;
  /** Empties the cost bucket: the next query is THROTTLED (HTTP 200 with errors). */
  drainBucket(): void;
}

export function createShopifySim(options: ShopifySimOptions = {}): ShopifySim {
  const store = createSimStore(options);
  const apiVersion = "2025-10";
  const shopDomain = options.shopDomain ?? "varai-sim.myshopify.com";
  const accessToken = options.accessToken ?? "shpat_simulated_token";
  const apiSecret = options.apiSecret ?? "shopify-app-secret";
  const currency = options.currency ?? "USD";
  const bucketSize = options.bucketSize ?? 1000;
  const restoreRate = options.restoreRate ?? 100;
  const costPerProduct = options.costPerProduct ?? 10;
  let available = bucketSize;
  let refilledAt = performance.now();
  const stats = { requests: 0, throttled: 0, pointsSpent: 0 };
  const subscriptions: ShopifySim["subscriptions"] = [];
  const app = createShopifyAppSim({ shopDomain, apiSecret }, options.app);
  const byExternal = new Map<string, number>();
  for (const index of store.products.keys()) byExternal.set(shopifyProductId(index), index);

  const refill = () => {
    const now = performance.now();
    available = Math.min(bucketSize, available + ((now - refilledAt) / 1000) * restoreRate);
    refilledAt = now;
  };

  const node = (p: SimProduct) => ({
    id: `gid://shopify/Product/${shopifyProductId(p.index)}`,
    title: p.corrupt ? null : p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    tags: p.tags,
    status: p.status.toUpperCase(),
    updatedAt: p.updatedAt.replace(/\.\d{3}Z$/, "Z"),
    category: { name: "Eyeglasses" },
    options: [
      { name: "Color", values: p.variants.map((v) => v.color) },
      { name: "Size", values: [p.variants[0]!.size] },
    ],
    variants: {
      nodes: p.variants.map((v) => ({
        id: `gid://shopify/ProductVariant/${shopifyVariantId(p.index, v.index)}`,
        sku: v.sku,
        price: v.price,
        inventoryQuantity: v.stock,
        selectedOptions: [
          { name: "Color", value: v.color },
          { name: "Size", value: v.size },
        ],
      })),
    },
    images: { nodes: p.images.map((i) => ({ url: i.url, altText: i.alt })) },
    metafields: { nodes: metafields(p) },
  });

  const metafields = (p: SimProduct) => [
    { namespace: "varai", key: "frame_shape", value: p.frame.shape },
    { namespace: "varai", key: "rim_type", value: p.frame.rim },
    { namespace: "varai", key: "frame_material", value: p.frame.material },
    { namespace: "varai", key: "frame_width_mm", value: String(p.frame.frameWidthMm) },
  ];

  const restProduct = (index: number): Record<string, unknown> => {
    const p = store.products.get(index);
    if (!p) return { id: shopifyProductId(index) };
    return {
      id: shopifyProductId(index),
      admin_graphql_api_id: `gid://shopify/Product/${shopifyProductId(index)}`,
      title: p.title,
      body_html: "",
      handle: p.handle,
      vendor: p.vendor,
      product_type: p.productType,
      tags: p.tags.join(", "),
      status: p.status,
      created_at: p.createdAt,
      updated_at: p.updatedAt.replace(/\.\d{3}Z$/, "-00:00"),
      options: [
        { name: "Color", position: 1, values: p.variants.map((v) => v.color) },
        { name: "Size", position: 2, values: [p.variants[0]!.size] },
      ],
      variants: p.variants.map((v) => ({
        id: shopifyVariantId(p.index, v.index),
        product_id: shopifyProductId(p.index),
        sku: v.sku,
        price: v.price,
        inventory_quantity: v.stock,
        option1: v.color,
        option2: v.size,
        option3: null,
      })),
      images: p.images.map((img, i) => ({ id: String(9000 + i), src: img.url, alt: img.alt, position: i + 1 })),
      ...(options.webhookMetafields === false ? {} : { metafields: metafields(p) }),
    };
  };

  const graphql = (body: { query?: string; variables?: Record<string, unknown> }) => {
    const query = body.query ?? "";
    const vars = body.variables ?? {};
    refill();
    let requested = 1;
    let run: () => { data: unknown; actual: number };
    if (/webhookSubscriptionCreate/.test(query)) {
      requested = 10;
      run = () => {
        const sub = {
          id: `gid://shopify/WebhookSubscription/${subscriptions.length + 1}`,
          topic: String(vars.topic),
          callbackUrl: String((vars.sub as { callbackUrl?: string })?.callbackUrl),
        };
        subscriptions.push(sub);
        return {
          data: {
            webhookSubscriptionCreate: { webhookSubscription: { id: sub.id, topic: sub.topic }, userErrors: [] },
          },
          actual: 10,
        };
      };
    } else if (/webhookSubscriptions\(/.test(query)) {
      run = () => ({
        data: {
          webhookSubscriptions: {
            nodes: subscriptions.map((s) => ({
              id: s.id,
              topic: s.topic,
              endpoint: { __typename: "WebhookHttpEndpoint", callbackUrl: s.callbackUrl },
            })),
          },
        },
        actual: 1,
      });
    } else if (/products\(/.test(query)) {
      const first = Number(vars.first ?? 50);
      if (!(first >= 1 && first <= 250))
        return { errors: [{ message: "first must be between 1 and 250", extensions: { code: "BAD_REQUEST" } }] };
      requested = 2 + first * costPerProduct;
      run = () => {
        const since = /updated_at:>='([^']+)'/.exec(String(vars.query ?? ""))?.[1];
        const after = vars.after ? Number(Buffer.from(String(vars.after), "base64url").toString().split(":")[1]) : -1;
        const all = [...store.products.values()]
          .filter((p) => p.index > after && (!since || Date.parse(p.updatedAt) >= Date.parse(since)))
          .sort((a, b) => a.index - b.index);
        const page = all.slice(0, first);
        const last = page.at(-1);
        return {
          data: {
            shop: { currencyCode: currency },
            products: {
              pageInfo: {
                hasNextPage: all.length > first,
                endCursor: last ? Buffer.from(`cursor:${last.index}`).toString("base64url") : null,
              },
              nodes: page.map(node),
            },
          },
          actual: 2 + page.length * costPerProduct,
        };
      };
    } else if (/product\(id/.test(query)) {
      requested = 1 + costPerProduct;
      run = () => {
        const id =
          String(vars.id ?? "")
            .split("/")
            .pop() ?? "";
        const index = byExternal.get(id);
        const p = index === undefined ? undefined : store.products.get(index);
        return { data: { shop: { currencyCode: currency }, product: p ? node(p) : null }, actual: 1 + costPerProduct };
      };
    } else if (/shop\s*\{/.test(query)) {
      run = () => ({
        data: {
          shop: {
            name: "VARAi Simulated Shop",
            currencyCode: currency,
            billingAddress: { countryCodeV2: options.country ?? "US" },
          },
        },
        actual: 1,
      });
    } else if (app.answers(query)) {
      run = () => ({ data: app.graphql(query, vars)!.data, actual: 10 });
    } else {
      return { errors: [{ message: "Unsupported query in simulator", extensions: { code: "BAD_REQUEST" } }] };
    }
    if (requested > 1000) {
      return { errors: [{ message: "Query cost exceeds 1000", extensions: { code: "MAX_COST_EXCEEDED" } }] };
    }
    const throttleStatus = () => ({
      maximumAvailable: bucketSize,
      currentlyAvailable: Math.floor(available),
      restoreRate,
    });
    if (available < requested) {
      stats.throttled++;
      // Shopify's throttle: HTTP 200 with errors and the bucket state.
      return {
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() },
        },
      };
    }
    const { data, actual } = run();
    // The difference between requested and actual cost is refunded after execution.
    available -= actual;
    stats.pointsSpent += actual;
    return {
      data,
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() },
      },
    };
  };

  return {
    platform: "shopify",
    store,
    shopDomain,
    accessToken,
    apiSecret,
    apiVersion,
    subscriptions,
    stats,
    app,
    ceilingProductsPerSecond: (pageSize) => (restoreRate * pageSize) / (2 + pageSize * costPerProduct),
    externalId: shopifyProductId,
    indexOf(externalId) {
      const index = byExternal.get(externalId);
      if (index === undefined) throw new Error(`no simulated Shopify product ${externalId}`);
      return index;
    },
    async handle(request, path) {
      if (path === "/admin/oauth/access_token") return app.handleOAuth(request);
      const match = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(path);
      if (!match) return null;
      stats.requests++;
      if (store.latencyMs > 0) await sleep(store.latencyMs);
      const token = request.headers.get("x-shopify-access-token");
      if (token !== accessToken && !app.isValidAccessToken(token)) {
        return Response.json(
          { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
          { status: 401 },
        );
      }
      const injected = store.takeFailure();
      if (injected !== null) {
        const headers: Record<string, string> = injected === 429 ? { "retry-after": "2" } : {};
        return Response.json({ errors: "Simulated failure" }, { status: injected, headers });
      }
      let body: { query?: string; variables?: Record<string, unknown> };
      try {
        body = (await request.json()) as typeof body;
      } catch {
        return Response.json({ errors: "Bad JSON" }, { status: 400 });
      }
      store.log(`shopify ${String(body.variables?.after ?? "first")} ${String(body.query ?? "").slice(6, 30)}`);
      return Response.json(graphql(body));
    },
    webhook(topic, opts = {}) {
      const index = opts.index ?? 0;
      let payload: unknown;
      if (topic === "products/delete") payload = { id: shopifyProductId(index) };
      else if (topic.startsWith("products/")) payload = restProduct(index);
      else if (topic === "orders/paid") {
        const p = store.products.get(index);
        payload = {
          id: "820982911946154508",
          currency,
          total_price: p?.variants[0]?.price ?? "0.00",
          processed_at: new Date().toISOString(),
          note_attributes: [{ name: "_varai_session", value: "sess_sim_1" }],
          line_items: [
            {
              product_id: shopifyProductId(index),
              variant_id: shopifyVariantId(index, 0),
              quantity: 1,
              price: p?.variants[0]?.price ?? "0.00",
            },
          ],
        };
      } else if (topic === "customers/redact")
        payload = {
          shop_id: 954889,
          shop_domain: shopDomain,
          customer: { id: "191167", email: "john@example.com" },
          orders_to_redact: ["299938"],
        };
      else if (topic === "customers/data_request")
        payload = {
          shop_id: 954889,
          shop_domain: shopDomain,
          customer: { id: "191167", email: "john@example.com" },
          orders_requested: ["299938"],
          data_request: { id: 9999 },
        };
      else payload = { shop_id: 954889, shop_domain: shopDomain, id: 954889, domain: shopDomain };
      const body =
        opts.body !== undefined
          ? Buffer.from(opts.body)
          : Buffer.from(jsonWithNumericIds(payload, ["id", "product_id", "variant_id", "shop_id"]));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": shopDomain,
        "x-shopify-api-version": apiVersion,
        "x-shopify-webhook-id": randomUUID(),
        "x-shopify-event-id": opts.eventId ?? randomUUID(),
        "x-shopify-triggered-at": new Date().toISOString(),
      };
      if (opts.signature !== "none") {
        const key = opts.signature === "bad" ? `${apiSecret}-wrong` : apiSecret;
        headers["x-shopify-hmac-sha256"] = createHmac("sha256", key).update(body).digest("base64");
      }
      return { headers, body };
    },
    restProduct,
    drainBucket() {
      available = 0;
      refilledAt = performance.now();
    },
  };
}
