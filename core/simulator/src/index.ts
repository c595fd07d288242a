// The platform simulator: a local fake Shopify, WooCommerce, Magento 2 and BigCommerce. Tests use
// it through @varai/testkit; the default install's demo serves one for "connect a simulated store".
export * from "./bigcommerce.ts";
export * from "./catalog.ts";
export * from "./magento.ts";
export * from "./server.ts";
export * from "./shopify.ts";
export * from "./shopify-app.ts";
export * from "./store.ts";
export * from "./woocommerce.ts";
