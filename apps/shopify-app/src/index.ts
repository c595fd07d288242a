/** The Shopify app's server: embedded document, session-token API, app proxy, billing (see README). */

export { signAppProxyQuery, verifyAppProxySignature } from "./app-proxy-signature.ts";
export { parseShopifyAppConfig, SHOPIFY_API_VERSION, type ShopifyAppConfig } from "./config.ts";
export type { InstallsPort } from "./installs-port.ts";
export { createShopifyAppModule, type ShopifyAppModule, type ShopifyAppOptions } from "./module.ts";
export { SHOPIFY_SESSIONS_COLLECTION } from "./session-storage.ts";
