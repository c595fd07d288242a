import type { KeyObject } from "node:crypto";
import {
  type AcceptedWebhook,
  headerValue,
  type IgnoredEvent,
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
import { parseJsonLossless } from "./json.ts";
import {
  CustomersDataRequestSchema,
  CustomersRedactSchema,
  RestDeleteSchema,
  RestOrderSchema,
  RestProductSchema,
  ShopRedactSchema,
} from "./platform-schemas.ts";
import { fromRest, type TransformContext } from "./transform.ts";

/** Reads the classic `X-Shopify-*` header, falling back to the Events flavour's `shopify-*`. */
function shopifyHeader(headers: WebhookRequest["headers"], name: string): string | undefined {
  return headerValue(headers, `x-shopify-${name}`) ?? headerValue(headers, `shopify-${name}`);
}

/** The shop a delivery claims to come from (unverified: only used to find the connection). */
export function shopDomainOf(headers: WebhookRequest["headers"]): string | undefined {
  return shopifyHeader(headers, "shop-domain")?.toLowerCase();
}

/** One webhook URL per app: the (unverified) shop domain header names the connection. */
export const routeShopifyWebhook: WebhookRouter = (request) => {
  const shop = shopDomainOf(request.headers);
  return shop
    ? ok({ by: "shopDomain", value: shop })
    : err(webhookFailure("missing-headers", "X-Shopify-Shop-Domain is missing"));
};

/** The topics mapped by `interpretShopifyWebhook`; any other topic is acknowledged and ignored. */
const MAPPED_TOPICS = new Set([
  "products/create",
  "products/update",
  "products/delete",
  "orders/paid",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
  "app/uninstalled",
]);

/**
 * At the door: method, headers, HMAC, JSON syntax (native JSON.parse, whose result is dropped:
 * the exact parse happens in `interpretShopifyWebhook`). Unmapped topics are `ignored` here.
 */
export function acceptShopifyWebhook(
  request: WebhookRequest,
  secret: string | KeyObject,
): Result<AcceptedWebhook | IgnoredEvent, WebhookFailure> {
  if (request.method !== "POST") return err(webhookFailure("method-not-allowed", "Webhooks must be POST"));
  const hmac = shopifyHeader(request.headers, "hmac-sha256");
  const topic = shopifyHeader(request.headers, "topic");
  const shop = shopifyHeader(request.headers, "shop-domain");
  // Shopify names X-Shopify-Event-Id as the duplicate marker; the webhook id is the fallback.
  const eventId = shopifyHeader(request.headers, "event-id") ?? shopifyHeader(request.headers, "webhook-id");
  if (!hmac) return err(webhookFailure("unauthenticated", "X-Shopify-Hmac-Sha256 is missing"));
  if (!topic || !shop || !eventId)
    return err(webhookFailure("missing-headers", "X-Shopify-Topic, -Shop-Domain and -Event-Id are required"));
  if (request.rawBody.length === 0) return err(webhookFailure("missing-headers", "Empty body"));
  // base64(HMAC-SHA256(app secret, raw body)); `secret` is a KeyObject made once per adapter.
  if (!verifyBase64HmacSha256(request.rawBody, hmac, secret))
    return err(webhookFailure("bad-signature", "HMAC mismatch"));

  const body = request.rawBody.toString("utf8");
  try {
    JSON.parse(body);
  } catch {
    return err(webhookFailure("malformed", "Body is not JSON"));
  }
  const triggeredAt = shopifyHeader(request.headers, "triggered-at");
  const base = { topic, dedupeKey: `${topic}:${eventId}`, occurredAt: triggeredAt ? toIsoUtc(triggeredAt) : null };
  return ok(MAPPED_TOPICS.has(topic) ? { ...base, kind: "accepted", body } : { ...base, kind: "ignored" });
}

/** In the worker: the accepted delivery's topic and payload as an event. */
export function interpretShopifyWebhook(
  accepted: AcceptedWebhook,
  ctx: TransformContext,
): Result<WebhookEvent, WebhookFailure> {
  let json: unknown;
  try {
    json = parseJsonLossless(accepted.body);
  } catch {
    return err(webhookFailure("malformed", "Body is not JSON"));
  }
  const { topic, dedupeKey, occurredAt } = accepted;
  const base = { topic, dedupeKey, occurredAt };
  const parse = <S extends z.ZodType>(schema: S): z.infer<S> | null => {
    const r = schema.safeParse(json);
    return r.success ? r.data : null;
  };
  const malformed = () => err(webhookFailure("malformed", `Unexpected ${topic} payload`));

  switch (topic) {
    case "products/create":
    case "products/update": {
      const p = parse(RestProductSchema);
      if (!p) return malformed();
      // Checked against ProductDraftSchema by the engine before it is written (after the ack).
      const draft = fromRest(p, ctx, { validate: false });
      if (!draft.ok) return err(webhookFailure("malformed", draft.error.message));
      // Metafields only arrive when the subscription listed their namespaces; without them the
      // payload cannot carry frame dimensions, so the engine fetches the product (thin).
      return ok({
        ...base,
        kind: "product.upsert",
        externalId: p.id,
        updatedAt: draft.value.source.externalUpdatedAt,
        product: p.metafields ? draft.value : null,
      });
    }
    case "products/delete": {
      const p = parse(RestDeleteSchema);
      return p ? ok({ ...base, kind: "product.delete", externalId: p.id }) : malformed();
    }
    case "orders/paid": {
      const o = parse(RestOrderSchema);
      if (!o) return malformed();
      const session = o.note_attributes.find((a) => a.name === "_varai_session")?.value;
      return ok({
        ...base,
        kind: "order",
        orderId: o.id,
        occurredAt: toIsoUtc(o.processed_at ?? o.created_at ?? "") ?? base.occurredAt,
        currency: o.currency,
        total: o.total_price,
        lineItems: o.line_items.flatMap((li) =>
          li.product_id ? [{ productExternalId: li.product_id, quantity: li.quantity, price: li.price }] : [],
        ),
        varaiSessionId: typeof session === "string" && session.length <= 128 ? session : null,
      });
    }
    case "customers/data_request":
    case "customers/redact": {
      const p = parse(topic === "customers/redact" ? CustomersRedactSchema : CustomersDataRequestSchema);
      if (!p) return malformed();
      const orders = "orders_to_redact" in p ? p.orders_to_redact : p.orders_requested;
      return ok({
        ...base,
        kind: "privacy",
        request: topic === "customers/redact" ? "shopper-redact" : "shopper-export",
        ...(p.customer?.id ? { shopperId: p.customer.id } : {}),
        ...(p.customer?.email ? { shopperEmail: p.customer.email } : {}),
        ...("data_request" in p && p.data_request ? { requestId: p.data_request.id } : {}),
        orderIds: orders,
      });
    }
    case "shop/redact":
      return parse(ShopRedactSchema) ? ok({ ...base, kind: "privacy", request: "shop-redact" }) : malformed();
    case "app/uninstalled":
      return ok({ ...base, kind: "app.uninstalled" });
    default:
      return ok({ ...base, kind: "ignored" });
  }
}

export function parseShopifyWebhook(
  request: WebhookRequest,
  secret: string | KeyObject,
  ctx: TransformContext,
): Result<WebhookEvent, WebhookFailure> {
  const accepted = acceptShopifyWebhook(request, secret);
  if (!accepted.ok) return accepted;
  const event = accepted.value;
  return event.kind === "accepted" ? interpretShopifyWebhook(event, ctx) : ok(event);
}
