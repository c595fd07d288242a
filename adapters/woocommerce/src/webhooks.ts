import {
  headerValue,
  toIsoUtc,
  verifyBase64HmacSha256,
  type WebhookEvent,
  type WebhookFailure,
  type WebhookRequest,
  type WebhookRouter,
  webhookFailure,
} from "@varai/commerce";
import { err, ok, type Result } from "@varai/schema";
import { WooDeleteSchema, WooOrderSchema, WooProductSchema } from "./platform-schemas.ts";
import { fromWoo, type TransformContext } from "./transform.ts";

/**
 * One webhook URL per connection (`/webhooks/woocommerce/:connectionId`): the path names it. Woo
 * signs with the connection's own secret, so only that connection's adapter can verify it.
 */
export const routeWooWebhook: WebhookRouter = (request) => {
  const connectionId = request.pathParams?.connectionId;
  return connectionId
    ? ok({ by: "connectionId", value: connectionId })
    : err(webhookFailure("missing-headers", "The webhook URL names no connection"));
};

/**
 * WooCommerce pings a new webhook with the form body `webhook_id=<id>`, unsigned and without
 * X-WC-* headers; anything but exactly 200 marks the delivery URL broken.
 */
const PING = /^webhook_id=\d{1,20}$/;

export function parseWooWebhook(
  request: WebhookRequest,
  secret: string,
  ctx: TransformContext,
): Result<WebhookEvent, WebhookFailure> {
  if (request.method !== "POST") return err(webhookFailure("method-not-allowed", "Webhooks must be POST"));
  const signature = headerValue(request.headers, "x-wc-webhook-signature");
  const topic = headerValue(request.headers, "x-wc-webhook-topic");
  if (!signature && !topic && request.rawBody.length < 64 && PING.test(request.rawBody.toString("utf8").trim())) {
    return ok({ kind: "ping" });
  }
  if (!signature) return err(webhookFailure("unauthenticated", "X-WC-Webhook-Signature is missing"));
  if (!topic) return err(webhookFailure("missing-headers", "X-WC-Webhook-Topic is missing"));
  // base64(HMAC-SHA256) of the raw body with the connection's own webhook secret, never the
  // consumer secret (a classic mistake: woocommerce #16106).
  if (!verifyBase64HmacSha256(request.rawBody, signature, secret))
    return err(webhookFailure("bad-signature", "Signature mismatch"));

  let json: unknown;
  try {
    // Woo ids are small auto-increment integers, so JSON.parse keeps them exact.
    json = JSON.parse(request.rawBody.toString("utf8"));
  } catch {
    return err(webhookFailure("malformed", "Body is not JSON"));
  }
  const deliveryId = headerValue(request.headers, "x-wc-webhook-delivery-id") ?? "";
  const malformed = () => err(webhookFailure("malformed", `Unexpected ${topic} payload`));

  switch (topic) {
    case "product.created":
    case "product.updated":
    case "product.restored": {
      const p = WooProductSchema.safeParse(json);
      if (!p.success) return malformed();
      const variable = p.data.type === "variable" && p.data.variations.length > 0;
      const draft = fromWoo(json, null, ctx);
      if (!draft.ok) return err(webhookFailure("malformed", draft.error.message));
      const updatedAt = draft.value.source.externalUpdatedAt;
      // No stable event id: one admin save fires several identical deliveries with fresh
      // delivery ids (woocommerce #21867), so the key is the product and its modification time.
      return ok({
        kind: "product.upsert",
        topic,
        dedupeKey: `product:${p.data.id}:${updatedAt}`,
        occurredAt: updatedAt,
        externalId: p.data.id,
        updatedAt,
        // Variable products list variation ids only: the engine fetches them (thin).
        product: variable ? null : draft.value,
      });
    }
    case "product.deleted": {
      // Carries only the id: no fetch, a tombstone.
      const p = WooDeleteSchema.safeParse(json);
      if (!p.success) return malformed();
      return ok({
        kind: "product.delete",
        topic,
        dedupeKey: `product:${p.data.id}:deleted`,
        occurredAt: null,
        externalId: p.data.id,
      });
    }
    case "order.created": {
      const o = WooOrderSchema.safeParse(json);
      if (!o.success) return malformed();
      const session = o.data.meta_data.find((m) => m.key === "_varai_session")?.value;
      return ok({
        kind: "order",
        topic,
        dedupeKey: `order:${o.data.id}:created`,
        occurredAt: o.data.date_created_gmt ? toIsoUtc(o.data.date_created_gmt) : null,
        orderId: o.data.id,
        currency: o.data.currency,
        total: o.data.total,
        lineItems: o.data.line_items.map((li) => ({
          productExternalId: li.product_id,
          quantity: li.quantity,
          price: li.price,
        })),
        varaiSessionId: typeof session === "string" && session.length <= 128 ? session : null,
      });
    }
    default:
      return ok({ kind: "ignored", topic, dedupeKey: `delivery:${deliveryId}`, occurredAt: null });
  }
}
