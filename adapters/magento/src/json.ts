import { createExactJsonParser } from "@varai/commerce";

/** Magento JSON: 64-bit-safe ids, and prices kept as their exact decimal text. */
export const parseMagentoJson = createExactJsonParser(["price", "special_price", "cost"]);
