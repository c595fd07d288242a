// Platform simulator (a local fake Shopify, WooCommerce, Magento 2 and BigCommerce), msw
// handlers per platform built on the same code, and the CommerceAdapter contract suite.
export * from "./bigcommerce.ts";
export * from "./catalog.ts";
export * from "./contract.ts";
export * from "./contract-sims.ts";
export * from "./magento.ts";
export * from "./msw.ts";
export * from "./server.ts";
export * from "./shopify.ts";
export * from "./store.ts";
export * from "./woocommerce.ts";
