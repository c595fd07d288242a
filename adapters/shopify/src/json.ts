import { parse } from "lossless-json";

/** An integer token of 16+ digits in value position (after `:`, `,` or `[`, before `,`, `]` or `}`). */
const LONG_INTEGER = /([:,[]\s*)(-?\d{16,})(?=\s*[,\]}])/g;

const losslessParse = (text: string): unknown =>
  parse(text, null, (value) => {
    const n = Number(value);
    return Number.isSafeInteger(n) || !/^-?\d+$/.test(value) ? n : value;
  });

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as strings. Shopify's REST-shaped webhook
 * bodies carry 64-bit ids as JSON numbers (`788032119674292922` would become `...900` through
 * JSON.parse); @shopify/shopify-api 12 switched to lossless-json for the same reason.
 *
 * Fast path (webhook intake runs this per delivery): unsafe integer tokens are quoted and the
 * text goes through the native JSON.parse, several times faster than lossless-json. A token
 * matched inside a string value gets quotes inserted in the middle of that string, which always
 * leaves two tokens without a separator, i.e. a SyntaxError: then lossless-json decides.
 */
export function parseJsonLossless(text: string): unknown {
  const quoted = text.replace(LONG_INTEGER, (whole, before: string, digits: string) =>
    Number.isSafeInteger(Number(digits)) ? whole : `${before}"${digits}"`,
  );
  try {
    return JSON.parse(quoted);
  } catch {
    return losslessParse(text);
  }
}
