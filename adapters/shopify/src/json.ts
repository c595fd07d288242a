import { parse } from "lossless-json";

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as strings. Shopify's REST-shaped webhook
 * bodies carry 64-bit ids as JSON numbers (`788032119674292922` would become `...900` through
 * JSON.parse); @shopify/shopify-api 12 switched to lossless-json for the same reason.
 */
export function parseJsonLossless(text: string): unknown {
  return parse(text, null, (value) => {
    const n = Number(value);
    return Number.isSafeInteger(n) || !/^-?\d+$/.test(value) ? n : value;
  });
}
