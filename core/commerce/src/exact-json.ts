import { isLosslessNumber, parse } from "lossless-json";

/** An integer token of 16+ digits in value position (after `:`, `,` or `[`, before `,`, `]` or `}`). */
const LONG_INTEGER = /([:,[]\s*)(-?\d{16,})(?=\s*[,\]}])/g;

/**
 * A JSON.parse for platform payloads that never rounds: integers beyond 2^53 become strings
 * (64-bit ids), numbers under `moneyKeys` keep their decimal text (`129.90` stays "129.90"),
 * other numbers become numbers.
 *
 * Fast path (a 250-product page is parsed per request): money tokens and unsafe integers are
 * quoted and the text goes through the native JSON.parse, several times faster than
 * lossless-json. A match inside a string value inserts quotes in the middle of that string,
 * which always leaves two tokens without a separator (a SyntaxError): then lossless-json decides.
 */
export function createExactJsonParser(moneyKeys: readonly string[] = []): (text: string) => unknown {
  const money = new Set(moneyKeys);
  // The key is a real key: a JSON string cannot hold a bare `"`.
  const moneyToken =
    money.size > 0
      ? new RegExp(`("(?:${[...money].join("|")})"\\s*:\\s*)(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)(?=\\s*[,\\]}])`, "g")
      : null;

  const losslessParse = (text: string): unknown =>
    parse(text, (key, value) => {
      if (!isLosslessNumber(value)) return value;
      const textValue = value.toString();
      if (money.has(key)) return textValue;
      const n = Number(textValue);
      return Number.isSafeInteger(n) || !/^-?\d+$/.test(textValue) ? n : textValue;
    });

  return (text) => {
    const withMoney = moneyToken
      ? text.replace(moneyToken, (_whole, before: string, digits: string) => `${before}"${digits}"`)
      : text;
    const quoted = withMoney.replace(LONG_INTEGER, (whole, before: string, digits: string) =>
      Number.isSafeInteger(Number(digits)) ? whole : `${before}"${digits}"`,
    );
    try {
      return JSON.parse(quoted);
    } catch {
      return losslessParse(text);
    }
  };
}
