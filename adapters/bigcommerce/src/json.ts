import { isLosslessNumber, parse } from "lossless-json";

/** Keys whose numbers are money: kept as their exact decimal text, never a float. */
const MONEY_KEYS = new Set(["price", "sale_price", "calculated_price", "retail_price", "cost_price", "map_price"]);

/** A money key's number token, e.g. `"price": 129.90` (the key is a real key: a string cannot hold a bare `"`). */
const MONEY_TOKEN = new RegExp(
  `("(?:${[...MONEY_KEYS].join("|")})"\\s*:\\s*)(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)(?=\\s*[,\\]}])`,
  "g",
);
/** An integer token of 16+ digits in value position. */
const LONG_INTEGER = /([:,[]\s*)(-?\d{16,})(?=\s*[,\]}])/g;

const losslessParse = (text: string): unknown =>
  parse(text, (key, value) => {
    if (!isLosslessNumber(value)) return value;
    const textValue = value.toString();
    if (MONEY_KEYS.has(key)) return textValue;
    const n = Number(textValue);
    return Number.isSafeInteger(n) || !/^-?\d+$/.test(textValue) ? n : textValue;
  });

/**
 * JSON.parse that never rounds: integers beyond 2^53 become strings (ids), prices keep their
 * decimal text (`129.9` stays "129.9"), other numbers become numbers.
 *
 * Fast path (a 250-product page is parsed per request): money tokens and unsafe integers are
 * quoted and the text goes through the native JSON.parse, several times faster than
 * lossless-json. A match inside a string value inserts quotes in the middle of that string,
 * which always leaves two tokens without a separator (a SyntaxError): then lossless-json decides.
 */
export function parseBigCommerceJson(text: string): unknown {
  const quoted = text
    .replace(MONEY_TOKEN, (_whole, before: string, digits: string) => `${before}"${digits}"`)
    .replace(LONG_INTEGER, (whole, before: string, digits: string) =>
      Number.isSafeInteger(Number(digits)) ? whole : `${before}"${digits}"`,
    );
  try {
    return JSON.parse(quoted);
  } catch {
    return losslessParse(text);
  }
}
