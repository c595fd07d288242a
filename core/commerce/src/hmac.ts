import { createHmac, type KeyObject, timingSafeEqual } from "node:crypto";

/**
 * base64(HMAC-SHA256(secret, raw body)) compared in constant time: how Shopify, WooCommerce and
 * the VARAi Magento module sign webhook bodies. `secret` may be a KeyObject made once
 * (`createSecretKey`) when the same key verifies every delivery. A signature of the wrong length
 * (or not base64) is false, never a throw.
 */
export function verifyBase64HmacSha256(rawBody: Buffer, signature: string, secret: string | KeyObject): boolean {
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The signature `verifyBase64HmacSha256` accepts (tests, the simulator, OAuth 1.0a's HMAC-SHA256). */
export function signBase64HmacSha256(data: Buffer | string, secret: string | KeyObject): string {
  return createHmac("sha256", secret).update(data).digest("base64");
}
