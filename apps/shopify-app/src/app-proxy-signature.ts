import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@varai/schema";
import { normalizeShop } from "./config.ts";

/** What a verified app proxy request tells us. */
export interface AppProxyRequest {
  shop: string;
  /** Empty string when no customer is logged in. */
  loggedInCustomerId: string;
  pathPrefix: string;
}

export const APP_PROXY_MAX_AGE_SECONDS = 90;

/** Parameters that must appear exactly once (Shopify's own library refuses duplicates of these since 15.0.0). */
const SINGLE = ["shop", "signature", "timestamp", "hmac", "logged_in_customer_id", "path_prefix"];
const REQUIRED = ["shop", "signature", "timestamp"];

/**
 * Verifies an app proxy request's query string (Shopify: "Authenticate app proxies"): every
 * parameter except `signature`, sorted by key, `key=value` (several values joined with `,`),
 * concatenated without separators, hex HMAC-SHA256 with the app secret, compared in constant time;
 * `timestamp` an integer within 90 s. Throws AppError UNAUTHENTICATED.
 */
export function verifyAppProxySignature(rawQuery: string, apiSecret: string, now: Date): AppProxyRequest {
  const params = new URLSearchParams(rawQuery);
  const values = new Map<string, string[]>();
  for (const [key, value] of params) values.set(key, [...(values.get(key) ?? []), value]);
  for (const key of REQUIRED) {
    if (!values.has(key)) throw new AppError("UNAUTHENTICATED", `App proxy request without ${key}`);
  }
  for (const key of SINGLE) {
    if ((values.get(key)?.length ?? 0) > 1)
      throw new AppError("UNAUTHENTICATED", `App proxy parameter ${key} repeated`);
  }
  const message = [...values.keys()]
    .filter((key) => key !== "signature")
    .sort((a, b) => a.localeCompare(b))
    .map((key) => `${key}=${values.get(key)!.join(",")}`)
    .join("");
  const expected = createHmac("sha256", apiSecret).update(message).digest();
  const given = values.get("signature")![0]!;
  const givenBytes = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, "hex") : Buffer.alloc(0);
  if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) {
    throw new AppError("UNAUTHENTICATED", "App proxy signature mismatch");
  }
  const timestamp = values.get("timestamp")![0]!;
  if (!/^\d{1,12}$/.test(timestamp)) throw new AppError("UNAUTHENTICATED", "App proxy timestamp is not an integer");
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > APP_PROXY_MAX_AGE_SECONDS) {
    throw new AppError("UNAUTHENTICATED", "App proxy request is too old");
  }
  const shop = normalizeShop(values.get("shop")![0]);
  if (!shop) throw new AppError("UNAUTHENTICATED", "App proxy shop is not a myshopify.com domain");
  return {
    shop,
    loggedInCustomerId: values.get("logged_in_customer_id")?.[0] ?? "",
    pathPrefix: values.get("path_prefix")?.[0] ?? "",
  };
}

/** Signs a query as Shopify's app proxy does (tests and the simulator's storefront). */
export function signAppProxyQuery(params: Array<[string, string]>, apiSecret: string): string {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of params) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const message = [...grouped.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((k) => `${k}=${grouped.get(k)!.join(",")}`)
    .join("");
  const signature = createHmac("sha256", apiSecret).update(message).digest("hex");
  return new URLSearchParams([...params, ["signature", signature]]).toString();
}
