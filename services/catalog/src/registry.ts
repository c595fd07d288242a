import { createBigCommerceAdapter, routeBigCommerceWebhook } from "@varai/adapter-bigcommerce";
import { createMagentoAdapter, routeMagentoWebhook } from "@varai/adapter-magento";
import { createShopifyAdapter, routeShopifyWebhook } from "@varai/adapter-shopify";
import { createWooCommerceAdapter, routeWooWebhook } from "@varai/adapter-woocommerce";
import type { AdapterDeps, CommerceAdapter, FrameAttributeNames, WebhookRequest, WebhookRouter } from "@varai/commerce";
import type { SecretBox } from "@varai/runtime";
import { AppError, type Platform } from "@varai/schema";
import type { ConnectionDoc } from "./collections.ts";

/** A connection with its secrets opened: lives only in memory, never logged. */
export interface ResolvedConnection {
  id: string;
  platform: Platform;
  shopDomain?: string;
  storeUrl?: string;
  storeHash?: string;
  /** Magento store view code (`/rest/{storeCode}/V1`). */
  storeCode?: string;
  apiBaseUrl?: string;
  credentials: Record<string, string>;
  webhookSecret: string | null;
  currency: string;
  frameAttributeNames?: FrameAttributeNames;
}

export type AdapterFactory = (connection: ResolvedConnection, deps: AdapterDeps) => CommerceAdapter;

export interface RegistryOptions {
  secretBox: SecretBox;
  shopifyApiSecret?: string;
  /** BIGCOMMERCE_CLIENT_SECRET: the Standard Webhooks signing key (and the hook token's key). */
  bigcommerceClientSecret?: string;
  adapterFactories?: Partial<Record<Platform, AdapterFactory>>;
  deps: AdapterDeps;
  /** How many built adapters are kept (least recently used ones are dropped). */
  maxAdapters?: number;
}

/**
 * The fields a built adapter depends on. An adapter is reused until one of them changes: Magento's
 * adapter caches option labels and the store config, and rebuilding it would pay those calls
 * again (against the store's rate limit) in the middle of a backfill.
 */
const keys = new WeakMap<ConnectionDoc, string>();
const adapterKeyOf = (doc: ConnectionDoc) => {
  let key = keys.get(doc); // webhook intake passes the same cached document object per delivery
  if (key === undefined) {
    key = JSON.stringify([
      doc.platform,
      doc.shopDomain,
      doc.storeUrl,
      doc.storeHash,
      doc.storeCode,
      doc.apiBaseUrl,
      doc.credentialsCipher,
      doc.webhookSecretCipher,
      // Magento reads its currency from storeConfigs itself: learning it must not drop its caches.
      doc.platform === "magento" ? null : doc.currency,
      doc.frameAttributeNames,
    ]);
    keys.set(doc, key);
  }
  return key;
};

/**
 * How each platform's deliveries name their connection, before the connection (and so its
 * adapter) is known: the adapters' `WebhookRouter`s, read by the webhook intake.
 */
const WEBHOOK_ROUTERS: Readonly<Record<Platform, WebhookRouter>> = {
  shopify: routeShopifyWebhook,
  woocommerce: routeWooWebhook,
  magento: routeMagentoWebhook,
  bigcommerce: routeBigCommerceWebhook,
};

/** One exhaustive switch from platform to adapter (`adapterFactories` can replace any of them). */
export function createAdapterRegistry(options: RegistryOptions) {
  const cache = new Map<string, { adapter: CommerceAdapter; key: string }>();
  const maxAdapters = options.maxAdapters ?? 5_000;

  const factoryFor = (platform: Platform): AdapterFactory | null =>
    options.adapterFactories?.[platform] ?? builtInAdapterFactory(platform, options);

  return {
    supports: (platform: Platform) => factoryFor(platform) !== null,

    /** Which connection a delivery to `platform`'s webhook URL names (unverified: only for lookup). */
    routeWebhook: (platform: Platform, request: WebhookRequest) => WEBHOOK_ROUTERS[platform](request),

    resolve(doc: ConnectionDoc): ResolvedConnection {
      return {
        id: doc.id,
        platform: doc.platform,
        ...(doc.shopDomain ? { shopDomain: doc.shopDomain } : {}),
        ...(doc.storeUrl ? { storeUrl: doc.storeUrl } : {}),
        ...(doc.storeHash ? { storeHash: doc.storeHash } : {}),
        ...(doc.storeCode ? { storeCode: doc.storeCode } : {}),
        ...(doc.apiBaseUrl ? { apiBaseUrl: doc.apiBaseUrl } : {}),
        credentials: JSON.parse(options.secretBox.decrypt(doc.credentialsCipher)) as Record<string, string>,
        webhookSecret: doc.webhookSecretCipher ? options.secretBox.decrypt(doc.webhookSecretCipher) : null,
        currency: doc.currency ?? "USD",
        ...(doc.frameAttributeNames ? { frameAttributeNames: doc.frameAttributeNames } : {}),
      };
    },

    /** The adapter for a connection, reused until a field it was built from changes. */
    adapterFor(doc: ConnectionDoc): CommerceAdapter {
      const key = adapterKeyOf(doc);
      const hit = cache.get(doc.id);
      if (hit && hit.key === key) {
        // Map order is insertion order: re-inserting keeps the most recently used last.
        cache.delete(doc.id);
        cache.set(doc.id, hit);
        return hit.adapter;
      }
      const factory = factoryFor(doc.platform);
      if (!factory) throw new AppError("UNSUPPORTED", `No ${doc.platform} adapter is installed`);
      const adapter = factory(this.resolve(doc), options.deps);
      cache.delete(doc.id);
      cache.set(doc.id, { adapter, key });
      if (cache.size > maxAdapters) cache.delete(cache.keys().next().value as string);
      return adapter;
    },

    forget(connectionId: string) {
      cache.delete(connectionId);
    },
  };
}
export type AdapterRegistry = ReturnType<typeof createAdapterRegistry>;

/** The adapter each platform gets unless `adapterFactories` replaces it: the connection's fields mapped to its options. */
function builtInAdapterFactory(
  platform: Platform,
  secrets: Pick<RegistryOptions, "shopifyApiSecret" | "bigcommerceClientSecret">,
): AdapterFactory {
  switch (platform) {
    case "shopify":
      return (c, deps) => {
        if (!secrets.shopifyApiSecret) throw new AppError("INVALID_CONFIG", "SHOPIFY_API_SECRET is not configured");
        return createShopifyAdapter(
          {
            connectionId: c.id,
            shopDomain: c.shopDomain ?? "",
            accessToken: c.credentials.accessToken ?? "",
            apiSecret: secrets.shopifyApiSecret,
            currency: c.currency,
            ...(c.apiBaseUrl ? { apiBaseUrl: c.apiBaseUrl } : {}),
            ...(c.frameAttributeNames ? { frameAttributeNames: c.frameAttributeNames } : {}),
          },
          deps,
        );
      };
    case "woocommerce":
      return (c, deps) =>
        createWooCommerceAdapter(
          {
            connectionId: c.id,
            storeUrl: c.storeUrl ?? "",
            consumerKey: c.credentials.consumerKey ?? "",
            consumerSecret: c.credentials.consumerSecret ?? "",
            webhookSecret: c.webhookSecret ?? "",
            currency: c.currency,
            ...(c.apiBaseUrl ? { apiBaseUrl: c.apiBaseUrl } : {}),
            ...(c.frameAttributeNames ? { frameAttributeNames: c.frameAttributeNames } : {}),
          },
          deps,
        );
    case "magento":
      return (c, deps) =>
        createMagentoAdapter(
          {
            connectionId: c.id,
            storeUrl: c.storeUrl ?? "",
            storeCode: c.storeCode ?? "default",
            credentials:
              c.credentials.consumerKey !== undefined
                ? {
                    consumerKey: c.credentials.consumerKey,
                    consumerSecret: c.credentials.consumerSecret ?? "",
                    accessToken: c.credentials.accessToken ?? "",
                    accessTokenSecret: c.credentials.accessTokenSecret ?? "",
                  }
                : { accessToken: c.credentials.accessToken ?? "" },
            webhookSecret: c.webhookSecret ?? "",
            ...(c.apiBaseUrl ? { apiBaseUrl: c.apiBaseUrl } : {}),
            ...(c.frameAttributeNames ? { frameAttributeNames: c.frameAttributeNames } : {}),
          },
          deps,
        );
    case "bigcommerce":
      return (c, deps) =>
        createBigCommerceAdapter(
          {
            connectionId: c.id,
            storeHash: c.storeHash ?? "",
            accessToken: c.credentials.accessToken ?? "",
            currency: c.currency,
            ...(secrets.bigcommerceClientSecret ? { clientSecret: secrets.bigcommerceClientSecret } : {}),
            ...(c.apiBaseUrl ? { apiBaseUrl: c.apiBaseUrl } : {}),
            ...(c.frameAttributeNames ? { frameAttributeNames: c.frameAttributeNames } : {}),
          },
          deps,
        );
  }
}
