import { createHmac, timingSafeEqual } from "node:crypto";
import {
  headerValue,
  toIsoUtc,
  type WebhookEvent,
  type WebhookFailure,
  type WebhookRequest,
  webhookFailure,
} from "@varai/runtime";
import { err, ok, type Result } from "@varai/schema";
import { parseMagentoJson } from "./json.ts";
import { MagentoEventSchema } from "./platform-schemas.ts";

/** Topics the VARAi Magento module sends (README: "Event contract"). */
export const MAGENTO_EVENT_TOPICS = {
  upsert: ["product.created", "product.updated"],
  delete: ["product.deleted"],
  /** The module's "Test connection" button: acknowledged with 200, changes nothing. */
  ping: ["connection.test"],
} as const;

/** base64(HMAC-SHA256(connection secret, raw body)), compared in constant time. */
export function verifyMagentoSignature(rawBody: Buffer, signature: string, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function signMagentoBody(rawBody: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

const has = (list: readonly string[], topic: string) => list.includes(topic);

/**
 * Verifies and parses one event from the VARAi Magento module. Events are thin: the engine
 * fetches the product (the module's outbox may deliver hours late and out of order, so the
 * fetched state, not the event, decides). No replay window: a replayed event only causes a
 * re-fetch of the current state, and `event_id` dedupes it within the engine's retention.
 */
export function parseMagentoWebhook(request: WebhookRequest, secret: string): Result<WebhookEvent, WebhookFailure> {
  if (request.method !== "POST") return err(webhookFailure("method-not-allowed", "Webhooks must be POST"));
  const signature = headerValue(request.headers, "x-varai-signature");
  const topic = headerValue(request.headers, "x-varai-topic");
  const eventId = headerValue(request.headers, "x-varai-event-id");
  if (!signature) return err(webhookFailure("unauthenticated", "X-Varai-Signature is missing"));
  if (!topic || !eventId)
    return err(webhookFailure("missing-headers", "X-Varai-Topic and X-Varai-Event-Id are required"));
  if (!verifyMagentoSignature(request.rawBody, signature, secret))
    return err(webhookFailure("bad-signature", "Signature mismatch"));

  let json: unknown;
  try {
    json = parseMagentoJson(request.rawBody.toString("utf8"));
  } catch {
    return err(webhookFailure("malformed", "Body is not JSON"));
  }
  const parsed = MagentoEventSchema.safeParse(json);
  if (!parsed.success) return err(webhookFailure("malformed", "Not a VARAi Magento event"));
  const e = parsed.data;
  // The headers route the event before parsing; the signed body is the truth, and they must agree.
  if (e.event !== topic || e.event_id !== eventId)
    return err(webhookFailure("malformed", "X-Varai-Topic / X-Varai-Event-Id disagree with the body"));
  const base = { topic, dedupeKey: `event:${e.event_id}`, occurredAt: e.occurred_at ? toIsoUtc(e.occurred_at) : null };

  if (has(MAGENTO_EVENT_TOPICS.ping, topic)) return ok({ kind: "ping" });
  if (has(MAGENTO_EVENT_TOPICS.upsert, topic) || has(MAGENTO_EVENT_TOPICS.delete, topic)) {
    if (!e.product) return err(webhookFailure("malformed", `${topic} without product`));
    if (has(MAGENTO_EVENT_TOPICS.delete, topic))
      return ok({ kind: "product.delete", ...base, externalId: e.product.id });
    return ok({
      kind: "product.upsert",
      ...base,
      externalId: e.product.id,
      updatedAt: e.product.updated_at ? toIsoUtc(e.product.updated_at) : null,
      product: null,
      // REST reads one product by SKU (GET /V1/products/{sku}); by id it is a search.
      ...(e.product.sku ? { fetchId: `sku:${e.product.sku}` } : {}),
    });
  }
  return ok({ kind: "ignored", ...base });
}
