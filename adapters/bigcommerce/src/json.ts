import { createExactJsonParser } from "@varai/commerce";

/** BigCommerce JSON: 64-bit-safe ids, and prices kept as their exact decimal text. */
export const parseBigCommerceJson = createExactJsonParser([
  "price",
  "sale_price",
  "calculated_price",
  "retail_price",
  "cost_price",
  "map_price",
]);
