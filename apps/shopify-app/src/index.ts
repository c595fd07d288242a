/** The Shopify app's server: embedded document, session-token API, app proxy, billing (see README). */
export { parseShopifyAppConfig, type ShopifyAppConfig } from "./config.ts";
export type { InstallsPort } from "./installs-port.ts";
export { createShopifyAppModule, type ShopifyAppModule, type ShopifyAppOptions } from "./module.ts";
