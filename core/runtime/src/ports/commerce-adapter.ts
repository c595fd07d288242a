/**
 * CommerceAdapter: one implementation per platform under `adapters/` (Shopify, WooCommerce,
 * Magento 2, BigCommerce). An adapter is a stateless anti-corruption layer: it verifies and
 * parses webhooks, reads products page by page, transforms platform payloads into
 * `ProductDraft`s, registers webhooks where the platform allows it, and maps every platform
 * failure and rate-limit signal to an `AppError` in exactly one place (`toAdapterError`).
 *
 * Cursors, retries, dedupe, ordering and storage belong to the catalog engine
 * (services/catalog). An adapter never sleeps or retries: it reports `retryAfterMs` and the
 * remaining quota, and the engine's governor decides when to call again.
 *
 * Every adapter runs the shared contract suite `describeCommerceAdapterContract` (testkit).
 */
import {
  AppError,
  type ErrorCode,
  FRAME_SHAPES,
  type FrameAttributes,
  type FrameShape,
  type Platform,
  type ProductDraft,
  type Result,
  type RimType,
} from "@varai/schema";
import type { Clock, Logger } from "./logger.ts";

/** What every adapter factory takes besides its options: the seams tests replace. */
export interface AdapterDeps {
  /** The only way an adapter reaches the network (msw or the simulator intercept it in tests). */
  fetch: typeof globalThis.fetch;
  logger: Logger;
  clock: Clock;
}

/** Static facts the engine branches on instead of `if (platform === ...)`. */
export interface AdapterCapabilities {
  /** How `listProducts` pages: an opaque cursor (Shopify) or page numbers (Woo, Magento, BigCommerce). */
  pagination: "cursor" | "page";
  maxPageSize: number;
  /** `listProducts({ updatedSince })` filters server-side. */
  incrementalSync: boolean;
  /** `registerWebhooks` / `listWebhooks` work (false for Magento, whose events come from our module). */
  webhookRegistration: boolean;
  /**
   * Product webhooks normally carry the full product (Shopify, WooCommerce). When false they are
   * thin (BigCommerce, the Magento module) and the engine always fetches with `getProduct`.
   */
  fullWebhookPayloads: boolean;
}

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

/** A per-item transform failure: one bad product never fails its page. */
export interface TransformFailure {
  externalId: string | null;
  message: string;
}

/**
 * Rate-limit state as the platform reported it on the last response, in one shape for a
 * cost bucket (Shopify: points, restore rate) and a window quota (BigCommerce: requests left,
 * reset). The engine's governor waits before the next call instead of waiting for a 429.
 */
export interface RateLimitSignal {
  /** Units left now (points or requests). */
  remaining: number;
  /** Bucket size or window quota. */
  capacity: number;
  /** Continuous restore (Shopify): units per second. Null for window quotas. */
  restorePerSecond: number | null;
  /** Window quotas: ms until the window resets. Null for buckets. */
  resetMs: number | null;
  /**
   * Window quotas: the window's length (BigCommerce `X-Rate-Limit-Time-Window-Ms`, the `w=` of
   * an IETF `RateLimit-Policy`), so callers can pace `capacity` requests evenly across it.
   */
  windowMs: number | null;
  /** What the call just made cost (the next one of the same shape will cost about as much). */
  cost: number;
}

/**
 * Pagination state, opaque to the engine and persisted after every page so a crashed run
 * resumes. Cursor platforms put their `endCursor` here; page platforms the next page number.
 */
export type SyncCursor = string;

export interface ListProductsQuery {
  /** Null or absent: the first page. */
  cursor?: SyncCursor | null;
  /** Clamped to `capabilities.maxPageSize`. */
  pageSize?: number;
  /** ISO-8601 UTC: only products modified at or after this time (incremental runs). */
  updatedSince?: string | null;
}

export interface ProductPage {
  /** Each item is a draft or a per-item failure. */
  items: Array<Result<ProductDraft, TransformFailure>>;
  /** Null when this was the last page. */
  nextCursor: SyncCursor | null;
  rateLimit: RateLimitSignal | null;
}

export interface GetProductResult {
  /** Null when the platform answered 404 (the engine marks the product deleted). */
  product: ProductDraft | null;
  rateLimit: RateLimitSignal | null;
}

export interface StoreInfo {
  /** ISO-4217 currency of the store's prices (webhook payloads often omit it). */
  currency: string;
  name: string | null;
}

/** A webhook subscription as the platform lists it, in our terms. */
export interface WebhookSubscription {
  id: string;
  topic: string;
  address: string;
  /** False when the platform disabled it (Woo after 5 failures, BigCommerce after 48 h of failures). */
  active: boolean;
}

export interface RegisterWebhooksResult {
  created: WebhookSubscription[];
  /** Subscriptions that existed but were inactive and were switched back on. */
  reactivated: WebhookSubscription[];
  alreadyPresent: number;
}

/** Every adapter-produced error is an AppError whose details follow this shape. */
export interface AdapterErrorDetails {
  platform: Platform;
  /** HTTP status from the platform when there was one. */
  status?: number;
  /** Set on RATE_LIMITED: how long to wait before retrying. */
  retryAfterMs?: number;
  [key: string]: unknown;
}

/** Builds an adapter error (used by each platform's single `toAdapterError`). */
export function adapterError(
  code: ErrorCode,
  message: string,
  details: AdapterErrorDetails,
  cause?: unknown,
): AppError {
  return new AppError(code, message, { details, cause });
}

/** True for errors the engine may retry later (rate limits, outages). */
export function isRetryableAdapterError(error: AppError): boolean {
  return error.code === "RATE_LIMITED" || error.code === "UPSTREAM_UNAVAILABLE" || error.code === "OVERLOADED";
}

export interface CommerceAdapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;

  /**
   * Verifies the signature over the raw body FIRST (constant-time), then parses and maps the
   * topic. Never throws and never calls the network. Ok(PingEvent) for deliveries that need
   * exactly a 200 and nothing else.
   */
  parseWebhook(request: WebhookRequest): Result<WebhookEvent, WebhookFailure>;

  /**
   * Optional: `parseWebhook` in two steps, so the intake acknowledges without mapping the payload.
   * `acceptWebhook` does at the door what decides the answer: signature, headers, topic,
   * dedupe key and the JSON syntax (a malformed body is still refused there), and returns an
   * `AcceptedWebhook` for topics that need mapping. `interpretWebhook`, in the worker, maps it.
   * For every request, `interpretWebhook` after `acceptWebhook` gives what `parseWebhook` gives
   * (the contract suite checks this). Both are pure, like `parseWebhook`.
   */
  acceptWebhook?(request: WebhookRequest): Result<AcceptedWebhook | WebhookEvent, WebhookFailure>;
  interpretWebhook?(accepted: AcceptedWebhook): Result<WebhookEvent, WebhookFailure>;

  /** One page of products. A malformed item is an Err entry; the page still succeeds. */
  listProducts(query: ListProductsQuery): Promise<Result<ProductPage, AppError>>;

  /** One product by its platform id; 404 is `Ok({ product: null })`. */
  getProduct(externalId: string): Promise<Result<GetProductResult, AppError>>;

  /** Cheap authenticated call: validates credentials and reads the store's currency. */
  getStoreInfo(): Promise<Result<StoreInfo, AppError>>;

  /**
   * Ensures the adapter's product (and order) topics are subscribed to `address`: creates
   * missing subscriptions and re-activates disabled ones. Idempotent. Err UNSUPPORTED when
   * `capabilities.webhookRegistration` is false.
   */
  registerWebhooks(address: string): Promise<Result<RegisterWebhooksResult, AppError>>;

  listWebhooks(): Promise<Result<WebhookSubscription[], AppError>>;
}

// ---------------------------------------------------------------------------------------------
// Frame attribute mapping shared by every adapter's transform. Platforms carry frame facts as
// free-form name/value pairs (Shopify metafields and tags, Woo attributes, Magento
// custom_attributes, BigCommerce custom_fields); the names differ per store, so a connection can
// map its own names (`FrameAttributeNames`).

export const FRAME_FIELDS = [
  "shape",
  "rim",
  "material",
  "color",
  "frameWidthMm",
  "lensWidthMm",
  "bridgeWidthMm",
  "templeLengthMm",
  "lensHeightMm",
] as const;
export type FrameField = (typeof FRAME_FIELDS)[number];

/** Platform attribute name (case-insensitive) -> frame field. */
export type FrameAttributeNames = Readonly<Record<string, FrameField>>;

export const DEFAULT_FRAME_ATTRIBUTE_NAMES: FrameAttributeNames = {
  shape: "shape",
  "frame shape": "shape",
  frame_shape: "shape",
  rim: "rim",
  "rim type": "rim",
  rim_type: "rim",
  material: "material",
  "frame material": "material",
  frame_material: "material",
  color: "color",
  colour: "color",
  "frame color": "color",
  frame_color: "color",
  "frame width": "frameWidthMm",
  frame_width: "frameWidthMm",
  frame_width_mm: "frameWidthMm",
  "lens width": "lensWidthMm",
  lens_width: "lensWidthMm",
  lens_width_mm: "lensWidthMm",
  "bridge width": "bridgeWidthMm",
  bridge: "bridgeWidthMm",
  bridge_width: "bridgeWidthMm",
  bridge_width_mm: "bridgeWidthMm",
  "temple length": "templeLengthMm",
  temple: "templeLengthMm",
  temple_length: "templeLengthMm",
  temple_length_mm: "templeLengthMm",
  "lens height": "lensHeightMm",
  lens_height: "lensHeightMm",
  lens_height_mm: "lensHeightMm",
};

const SHAPE_SYNONYMS: Readonly<Record<string, FrameShape>> = {
  rectangular: "rectangle",
  circle: "round",
  cateye: "cat-eye",
  "cat eye": "cat-eye",
  pilot: "aviator",
  hexagonal: "geometric",
  hexagon: "geometric",
  clubmaster: "browline",
};
const RIM_SYNONYMS: Readonly<Record<string, RimType>> = {
  full: "full-rim",
  "full rim": "full-rim",
  "full-rim": "full-rim",
  "semi-rimless": "semi-rimless",
  "semi rimless": "semi-rimless",
  "half rim": "semi-rimless",
  rimless: "rimless",
};

/** Dimension bounds from @varai/schema's FrameDimensionsSchema: a value outside is dropped, not clamped. */
const DIMENSION_BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  frameWidthMm: [90, 180],
  lensWidthMm: [30, 75],
  bridgeWidthMm: [8, 30],
  templeLengthMm: [100, 170],
  lensHeightMm: [20, 65],
};

/** "138 mm", "138mm", "13.8 cm", "138" -> millimetres; null when it is not a length. */
export function parseMillimetres(value: string): number | null {
  const match = /^\s*(\d+(?:[.,]\d+)?)\s*(mm|cm)?\s*$/i.exec(value);
  if (!match) return null;
  const n = Number(match[1]!.replace(",", "."));
  return match[2]?.toLowerCase() === "cm" ? Math.round(n * 100) / 10 : n;
}

// A connection's name mapping, lower-cased and merged with the defaults, built once per mapping
// object: the transform runs for every webhook delivery.
const lookups = new WeakMap<FrameAttributeNames, Map<string, FrameField>>();
function lookupFor(names: FrameAttributeNames): Map<string, FrameField> {
  let lookup = lookups.get(names);
  if (!lookup) {
    // A connection's own names extend the defaults; they never remove them.
    lookup = new Map(
      Object.entries({ ...DEFAULT_FRAME_ATTRIBUTE_NAMES, ...names }).map(([k, v]) => [k.trim().toLowerCase(), v]),
    );
    lookups.set(names, lookup);
  }
  return lookup;
}

/**
 * Builds frame attributes from name/value pairs using the connection's name mapping. Unknown
 * names and unparseable values are ignored: a product with odd attributes still syncs.
 */
export function frameFromNamedValues(
  pairs: Iterable<readonly [string, string]>,
  names: FrameAttributeNames = DEFAULT_FRAME_ATTRIBUTE_NAMES,
): FrameAttributes {
  const frame: FrameAttributes = { dimensions: {} };
  const lookup = lookupFor(names);
  for (const [rawName, rawValue] of pairs) {
    const field = lookup.get(rawName.trim().toLowerCase());
    const value = rawValue.trim();
    if (!field || value === "") continue;
    switch (field) {
      case "shape": {
        const v = value.toLowerCase();
        const shape = (FRAME_SHAPES as readonly string[]).includes(v) ? (v as FrameShape) : SHAPE_SYNONYMS[v];
        if (shape) frame.shape = shape;
        break;
      }
      case "rim": {
        const rim = RIM_SYNONYMS[value.toLowerCase()];
        if (rim) frame.rim = rim;
        break;
      }
      case "material":
      case "color":
        frame[field] = value.slice(0, 64);
        break;
      default: {
        const mm = parseMillimetres(value);
        const [min, max] = DIMENSION_BOUNDS[field]!;
        if (mm !== null && mm >= min && mm <= max) frame.dimensions[field] = mm;
      }
    }
  }
  return frame;
}

/**
 * Eyewear size labels like "52-18-140" or "52□18 140" (lens-bridge-temple, TRYON.md), as
 * name/value pairs for `frameFromNamedValues` (default names); null when it is not a size label.
 */
export function parseSizeLabel(label: string): Array<readonly [string, string]> | null {
  const match = /^\s*(\d{2})\s*[-□x/ ]\s*(\d{1,2})\s*[-□x/ ]\s*(\d{3})\s*$/.exec(label);
  if (!match) return null;
  return [
    ["lens width", match[1]!],
    ["bridge width", match[2]!],
    ["temple length", match[3]!],
  ];
}

/** Normalises a platform timestamp (with any offset, or none = UTC) to ISO-8601 UTC with `Z`. */
export function toIsoUtc(value: string): string | null {
  const hasZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Reads one header (first value when repeated). */
export function headerValue(headers: WebhookRequest["headers"], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
