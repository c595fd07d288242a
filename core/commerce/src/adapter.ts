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
import type { AppError, Platform, ProductDraft, Result } from "@varai/schema";
import type { Clock, Logger } from "./logger.ts";
import type { AcceptedWebhook, WebhookEvent, WebhookFailure, WebhookRequest } from "./webhooks.ts";

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
