import { createExactJsonParser } from "@varai/commerce";

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as strings. Shopify's REST-shaped webhook
 * bodies carry 64-bit ids as JSON numbers (`788032119674292922` would become `...900` through
 * JSON.parse); @shopify/shopify-api 12 switched to lossless-json for the same reason.
 * Prices arrive as strings in Shopify payloads, so no money keys are needed.
 */
export const parseJsonLossless = createExactJsonParser();
