import { createShopifyAdapter } from "@varai/adapter-shopify";
import { createWooCommerceAdapter } from "@varai/adapter-woocommerce";
import type { AdapterDeps, CommerceAdapter, FrameAttributeNames, SecretBox } from "@varai/runtime";
import { AppError, type Platform } from "@varai/schema";
import type { ConnectionDoc } from "./model.ts";

/** A connection with its secrets opened: lives only in memory, never logged. */
export interface ResolvedConnection {
  id: string;
  platform: Platform;
  shopDomain?: string;
  storeUrl?: string;
  storeHash?: string;
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
  adapterFactories?: Partial<Record<Platform, AdapterFactory>>;
  deps: AdapterDeps;
  /** How long a built adapter is reused (secrets decrypted once per connection and period). */
  ttlMs?: number;
}

/** One exhaustive switch from platform to adapter (Magento and BigCommerce come in through `adapterFactories`). */
export function createAdapterRegistry(options: RegistryOptions) {
  const cache = new Map<string, { adapter: CommerceAdapter; key: string; at: number }>();
  const ttl = options.ttlMs ?? 30_000;

  const factoryFor = (platform: Platform): AdapterFactory | null => {
    const custom = options.adapterFactories?.[platform];
    if (custom) return custom;
    switch (platform) {
      case "shopify":
        return (c, deps) => {
          if (!options.shopifyApiSecret) throw new AppError("INVALID_CONFIG", "SHOPIFY_API_SECRET is not configured");
          return createShopifyAdapter(
            {
              connectionId: c.id,
              shopDomain: c.shopDomain ?? "",
              accessToken: c.credentials.accessToken ?? "",
              apiSecret: options.shopifyApiSecret,
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
      case "bigcommerce":
        return null;
    }
  };

  return {
    supports: (platform: Platform) => factoryFor(platform) !== null,

    resolve(doc: ConnectionDoc): ResolvedConnection {
      return {
        id: doc.id,
        platform: doc.platform,
        ...(doc.shopDomain ? { shopDomain: doc.shopDomain } : {}),
        ...(doc.storeUrl ? { storeUrl: doc.storeUrl } : {}),
        ...(doc.storeHash ? { storeHash: doc.storeHash } : {}),
        ...(doc.apiBaseUrl ? { apiBaseUrl: doc.apiBaseUrl } : {}),
        credentials: JSON.parse(options.secretBox.decrypt(doc.credentialsCipher)) as Record<string, string>,
        webhookSecret: doc.webhookSecretCipher ? options.secretBox.decrypt(doc.webhookSecretCipher) : null,
        currency: doc.currency ?? "USD",
        ...(doc.frameAttributeNames ? { frameAttributeNames: doc.frameAttributeNames } : {}),
      };
    },

    /** The adapter for a connection, rebuilt when the connection document changed. */
    adapterFor(doc: ConnectionDoc): CommerceAdapter {
      const key = `${doc.updatedAt}:${doc.currency}`;
      const hit = cache.get(doc.id);
      const now = Date.now();
      if (hit && hit.key === key && now - hit.at < ttl) return hit.adapter;
      const factory = factoryFor(doc.platform);
      if (!factory) throw new AppError("UNSUPPORTED", `No ${doc.platform} adapter is installed`);
      const adapter = factory(this.resolve(doc), options.deps);
      cache.set(doc.id, { adapter, key, at: now });
      if (cache.size > 5_000) cache.delete(cache.keys().next().value as string);
      return adapter;
    },

    forget(connectionId: string) {
      cache.delete(connectionId);
    },
  };
}
export type AdapterRegistry = ReturnType<typeof createAdapterRegistry>;
