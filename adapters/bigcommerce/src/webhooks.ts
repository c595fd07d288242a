import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import {
  headerValue,
  type WebhookEvent,
  type WebhookFailure,
  type WebhookRequest,
  type WebhookRouter,
  webhookFailure,
} from "@varai/commerce";
import { err, ok, type Result } from "@varai/schema";
import { parseBigCommerceJson } from "./json.ts";
import { BcWebhookSchema } from "./platform-schemas.ts";

/** The custom header VARAi sets on its hooks at creation; BigCommerce echoes it on every callback. */
export const BIGCOMMERCE_TOKEN_HEADER = "X-Varai-Webhook-Token";
/** Standard Webhooks' default tolerance: older (or future) timestamps are replays. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

export interface BigCommerceWebhookKeys {
  storeHash: string;
  /** The value of the custom header. */
  token: string;
  /** Standard Webhooks HMAC key (the app's client secret, as raw bytes). */
  signingKey: Buffer | null;
  now: () => Date;
}

/** Constant-time comparison of two strings of any length (hashed to equal lengths first). */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Standard Webhooks: `webhook-signature` holds space-separated `v1,<base64>` entries, each an
 * HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}`; any one matching is enough.
 */
export function verifyStandardWebhook(
  rawBody: Buffer,
  headers: { id: string; timestamp: string; signature: string },
  key: Buffer,
): boolean {
  const expected = createHmac("sha256", key).update(`${headers.id}.${headers.timestamp}.`).update(rawBody).digest();
  return headers.signature.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The store a delivery claims to come from (unverified: only used to find the connection). */
export function bigCommerceStoreHashOf(rawBody: Buffer): string | undefined {
  if (rawBody.length > 64 * 1024) return undefined;
  try {
    const producer = (JSON.parse(rawBody.toString("utf8")) as { producer?: unknown }).producer;
    return typeof producer === "string" ? /^stores\/([a-z0-9]+)$/i.exec(producer)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One URL per app: the (unverified) `producer: "stores/{hash}"` names the store; the adapter then
 * authenticates the delivery and checks that `producer` is its own store.
 */
export const routeBigCommerceWebhook: WebhookRouter = (request) => {
  const hash = bigCommerceStoreHashOf(request.rawBody);
  return hash
    ? ok({ by: "storeHash", value: hash })
    : err(webhookFailure("missing-headers", "producer (stores/{hash}) is missing"));
};

const DELETE_SCOPES = new Set(["store/product/deleted"]);
const UPSERT_SCOPES = new Set([
  "store/product/created",
  "store/product/updated",
  "store/product/inventory/updated",
  "store/product/inventory/order/updated",
]);

/**
 * Authenticates (custom header always; Standard Webhooks signature and replay window whenever
 * its headers are present) before parsing. Payloads are thin: the engine fetches the product,
 * and a 404 on that fetch means deleted.
 */
export function parseBigCommerceWebhook(
  request: WebhookRequest,
  keys: BigCommerceWebhookKeys,
): Result<WebhookEvent, WebhookFailure> {
  if (request.method !== "POST") return err(webhookFailure("method-not-allowed", "Webhooks must be POST"));
  const token = headerValue(request.headers, BIGCOMMERCE_TOKEN_HEADER);
  const id = headerValue(request.headers, "webhook-id");
  const timestamp = headerValue(request.headers, "webhook-timestamp");
  const signature = headerValue(request.headers, "webhook-signature");
  if (!token) return err(webhookFailure("unauthenticated", `${BIGCOMMERCE_TOKEN_HEADER} is missing`));
  if ((id || timestamp || signature) && !(id && timestamp && signature))
    return err(webhookFailure("missing-headers", "webhook-id, webhook-timestamp and webhook-signature go together"));
  if (!sameSecret(token, keys.token)) return err(webhookFailure("bad-signature", "Webhook token mismatch"));
  if (id && timestamp && signature && keys.signingKey) {
    const seconds = Number(timestamp);
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(keys.now().getTime() - seconds * 1000) > REPLAY_WINDOW_MS)
      return err(webhookFailure("bad-signature", "webhook-timestamp outside the replay window"));
    if (!verifyStandardWebhook(request.rawBody, { id, timestamp, signature }, keys.signingKey))
      return err(webhookFailure("bad-signature", "Standard Webhooks signature mismatch"));
  }

  let json: unknown;
  try {
    json = parseBigCommerceJson(request.rawBody.toString("utf8"));
  } catch {
    return err(webhookFailure("malformed", "Body is not JSON"));
  }
  const parsed = BcWebhookSchema.safeParse(json);
  if (!parsed.success) return err(webhookFailure("malformed", "Not a BigCommerce callback"));
  const e = parsed.data;
  if (e.producer !== `stores/${keys.storeHash}`)
    return err(webhookFailure("malformed", "Callback is for another store"));
  const occurredAt = new Date(e.created_at * 1000).toISOString();
  // BigCommerce: "if a hook fires twice for the same event, both request bodies rely on the same hash".
  const base = { topic: e.scope, dedupeKey: `hash:${e.hash}`, occurredAt };
  if (DELETE_SCOPES.has(e.scope)) return ok({ kind: "product.delete", ...base, externalId: e.data.id });
  if (UPSERT_SCOPES.has(e.scope))
    // Thin: the event time stands in for the product's modification time (the fetch decides).
    return ok({ kind: "product.upsert", ...base, externalId: e.data.id, updatedAt: occurredAt, product: null });
  if (e.scope === "store/app/uninstalled") return ok({ kind: "app.uninstalled", ...base });
  return ok({ kind: "ignored", ...base });
}
