import { isLosslessNumber, parse } from "lossless-json";

/** Keys whose numbers are money: kept as their exact decimal text, never a float. */
const MONEY_KEYS = new Set(["price", "sale_price", "calculated_price", "retail_price", "cost_price", "map_price"]);

/**
 * JSON.parse that never rounds: integers beyond 2^53 become strings (ids), prices keep their
 * decimal text (`129.9` stays "129.9"), other numbers become numbers.
 */
export function parseBigCommerceJson(text: string): unknown {
  return parse(text, (key, value) => {
    if (!isLosslessNumber(value)) return value;
    const textValue = value.toString();
    if (MONEY_KEYS.has(key)) return textValue;
    const n = Number(textValue);
    return Number.isSafeInteger(n) || !/^-?\d+$/.test(textValue) ? n : textValue;
  });
}
