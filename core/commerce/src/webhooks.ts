/**
 * Webhook deliveries as the `CommerceAdapter` port sees them: the request exactly as received,
 * the events an adapter maps it to, why a delivery is refused, and how a delivery names its
 * connection before anything is verified (`WebhookRouter`).
 */
import type { ProductDraft, Result } from "@varai/schema";

/** A webhook request exactly as received: the signature covers `rawBody`'s bytes, never re-serialised JSON. */
export interface WebhookRequest {
  rawBody: Buffer;
  /** Lower-cased header names (node's `IncomingMessage.headers`). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  method: string;
  /** Route parameters such as `connectionId`. */
  pathParams?: Readonly<Record<string, string>>;
}

/** Common fields of every accepted event. */
interface WebhookEventBase {
  /** The platform's topic name, e.g. `products/update` or `product.updated`. */
  topic: string;
  /**
   * Idempotency key unique per connection (the engine prefixes the connection id): Shopify's
   * event id, BigCommerce's `hash`, or for WooCommerce (no stable id) the resource id plus its
   * modification time, so one save's repeated deliveries collapse.
   */
  dedupeKey: string;
  /** When the platform says the event happened, if it says so (ISO-8601 UTC). */
  occurredAt: string | null;
}

export interface ProductUpsertEvent extends WebhookEventBase {
  kind: "product.upsert";
  externalId: string;
  /** The platform's updated time of the product (ISO-8601 UTC), the last-writer-wins clock; null when unknown. */
  updatedAt: string | null;
  /**
   * The transformed product when the payload is complete. Null for a thin payload (or one the
   * adapter could not fully map, e.g. Shopify without metafields): the engine calls `getProduct`.
   */
  product: ProductDraft | null;
  /**
   * What to pass to `getProduct` when it is cheaper or more exact than `externalId` (Magento:
   * `sku:<SKU>`, since REST reads one product by SKU). The engine checks that the fetched
   * product's id is `externalId` and falls back to `getProduct(externalId)` when it is not (or
   * the lookup found nothing): a SKU can be renamed or reused after the event was sent.
   */
  fetchId?: string;
}

export interface ProductDeleteEvent extends WebhookEventBase {
  kind: "product.delete";
  externalId: string;
}

export interface OrderLineItem {
  productExternalId: string;
  quantity: number;
  /** Unit price as a decimal string. */
  price: string;
}

export interface OrderEvent extends WebhookEventBase {
  kind: "order";
  orderId: string;
  currency: string;
  /** Order total as a decimal string. */
  total: string;
  lineItems: OrderLineItem[];
  /** The VARAi widget session stored on the cart / order (`_varai_session`), when present. */
  varaiSessionId: string | null;
}

export const PRIVACY_REQUEST_KINDS = ["shopper-export", "shopper-redact", "shop-redact"] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];

/** A platform's privacy request (Shopify's mandatory compliance topics). */
export interface PrivacyEvent extends WebhookEventBase {
  kind: "privacy";
  request: PrivacyRequestKind;
  shopperId?: string;
  shopperEmail?: string;
  /** Platform order ids named by the request (export / redaction scope). */
  orderIds?: string[];
  /** The platform's id of the request (Shopify `data_request.id`), for the merchant's records. */
  requestId?: string;
}

export interface AppUninstalledEvent extends WebhookEventBase {
  kind: "app.uninstalled";
}

/** A delivery that must be acknowledged and changes nothing (WooCommerce's creation ping). */
export interface PingEvent {
  kind: "ping";
}

export interface IgnoredEvent extends WebhookEventBase {
  kind: "ignored";
}

/**
 * A delivery verified and identified at the door, its payload not yet mapped: the body text
 * (JSON whose syntax was checked) goes on the queue and the worker maps it with the adapter's
 * `interpretWebhook`. See `CommerceAdapter.acceptWebhook`.
 */
export interface AcceptedWebhook extends WebhookEventBase {
  kind: "accepted";
  body: string;
}

export type WebhookEvent =
  | ProductUpsertEvent
  | ProductDeleteEvent
  | OrderEvent
  | PrivacyEvent
  | AppUninstalledEvent
  | PingEvent
  | IgnoredEvent;

/**
 * Why a delivery was refused, with the HTTP status the intake answers. `unauthenticated` (no
 * signature or token header at all), `bad-signature` and `missing-headers` are decided before the
 * body is parsed; `malformed` after a valid signature.
 */
export const WEBHOOK_FAILURE_STATUS = {
  "method-not-allowed": 405,
  unauthenticated: 401,
  "missing-headers": 400,
  "bad-signature": 401,
  malformed: 400,
} as const;
export type WebhookFailureReason = keyof typeof WEBHOOK_FAILURE_STATUS;

export interface WebhookFailure {
  reason: WebhookFailureReason;
  status: (typeof WEBHOOK_FAILURE_STATUS)[WebhookFailureReason];
  /** Safe to log and to return: never contains the body or a secret. */
  message: string;
}

export function webhookFailure(reason: WebhookFailureReason, message: string): WebhookFailure {
  return { reason, status: WEBHOOK_FAILURE_STATUS[reason], message };
}

/** Reads one header (first value when repeated). */
export function headerValue(headers: WebhookRequest["headers"], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Which connection a delivery says it belongs to, read BEFORE verification and used only to look
 * the connection up: that connection's adapter then verifies the delivery (and, where the
 * platform signs it, that it is its own). `by` names the connection field the value is matched
 * against: the path's connection id (WooCommerce, Magento), the shop domain (Shopify, one URL
 * per app), the store hash (BigCommerce, one URL per app).
 */
export interface WebhookRoute {
  by: "connectionId" | "shopDomain" | "storeHash";
  value: string;
}

/**
 * The routing half of the port: one per platform, static (the connection, and so the adapter
 * instance, is not known yet), exported by each adapter package beside its factory. Pure and
 * cheap: it runs on every delivery before the signature check. Err `missing-headers` (400) when
 * the delivery names no connection.
 */
export type WebhookRouter = (request: WebhookRequest) => Result<WebhookRoute, WebhookFailure>;
