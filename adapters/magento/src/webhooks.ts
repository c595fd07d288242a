import {
  headerValue,
  type OrderEvent,
  toIsoUtc,
  verifyBase64HmacSha256,
  type WebhookEvent,
  type WebhookFailure,
  type WebhookRequest,
  type WebhookRouter,
  webhookFailure,
} from "@varai/commerce";
import { err, ok, type Result } from "@varai/schema";
import type { z } from "zod";
import { parseMagentoJson } from "./json.ts";
import { MagentoEventSchema } from "./platform-schemas.ts";

/** Topics the VARAi Magento module sends (README: "Event contract"). */
export const MAGENTO_EVENT_TOPICS = {
  upsert: ["product.created", "product.updated"],
  delete: ["product.deleted"],
  /** A new order (the module's `sales_order_save_after`): a purchase, attributed by its VARAi session. */
  order: ["order.placed"],
  /** The module's "Test connection" button: acknowledged with 200, changes nothing. */
  ping: ["connection.test"],
} as const;

/**
 * One webhook URL per connection (`/webhooks/magento/:connectionId`): the path names it; the
 * module signs with that connection's secret.
 */
export const routeMagentoWebhook: WebhookRouter = (request) => {
  const connectionId = request.pathParams?.connectionId;
  return connectionId
    ? ok({ by: "connectionId", value: connectionId })
    : err(webhookFailure("missing-headers", "The webhook URL names no connection"));
};

const has = (list: readonly string[], topic: string) => list.includes(topic);

type MagentoEvent = z.infer<typeof MagentoEventSchema>;
type EventBase = Pick<OrderEvent, "topic" | "dedupeKey" | "occurredAt">;

/** `order.placed` -> the port's order event (analytics counts it as a purchase). */
function orderEvent(e: MagentoEvent, base: EventBase): Result<WebhookEvent, WebhookFailure> {
  const o = e.order;
  if (!o) return err(webhookFailure("malformed", "order.placed without order"));
  const session = o.varai_session_id;
  return ok({
    kind: "order",
    ...base,
    // One purchase per order, whichever event carried it (event_id already dedupes retries).
    dedupeKey: `order:${o.id}:placed`,
    occurredAt: (o.created_at ? toIsoUtc(o.created_at) : null) ?? base.occurredAt,
    orderId: o.id,
    currency: o.currency,
    total: o.grand_total,
    lineItems: o.items.map((li) => ({ productExternalId: li.product_id, quantity: li.qty, price: li.price })),
    varaiSessionId: typeof session === "string" && session.length > 0 && session.length <= 128 ? session : null,
  });
}

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
  // base64(HMAC-SHA256(connection secret, raw body)), compared in constant time.
  if (!verifyBase64HmacSha256(request.rawBody, signature, secret))
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
  if (has(MAGENTO_EVENT_TOPICS.order, topic)) return orderEvent(e, base);
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
