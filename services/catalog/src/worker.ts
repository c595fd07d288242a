import { webhookFailure } from "@varai/commerce";
import type { Job, RuntimeDeps } from "@varai/runtime";
import { AppError, err, type Platform, ProductDraftSchema } from "@varai/schema";
import { CATALOG_QUEUES, type ConnectionDoc } from "./collections.ts";
import { type CatalogStore, routeKey } from "./connections-store.ts";
import type { RateGovernor } from "./governor.ts";
import type { ProductWriter } from "./product-writer.ts";
import type { AdapterRegistry } from "./registry.ts";
import type { EventJob } from "./webhook-intake.ts";
import type { StatsBuffer } from "./webhook-stats.ts";

export interface OrderNotification {
  tenantId: string;
  platform: Platform;
  connectionId: string;
  orderId: string;
  occurredAt: string;
  currency: string;
  total: string;
  lineItems: Array<{ productExternalId: string; productId?: string; quantity: number; price: string }>;
  varaiSessionId: string | null;
}

export interface PrivacyRequest {
  tenantId: string;
  platform: Platform;
  connectionId: string;
  kind: "shopper-export" | "shopper-redact" | "shop-redact";
  shopperId?: string;
  shopperEmail?: string;
  orderIds?: string[];
  /** The platform's id of the request (Shopify `data_request.id`). */
  requestId?: string;
}

export interface WorkerDeps {
  deps: RuntimeDeps;
  store: CatalogStore;
  registry: AdapterRegistry;
  writer: ProductWriter;
  governor: RateGovernor;
  /** Counts a delivery whose product did not map to a valid ProductDraft as malformed. */
  stats?: StatsBuffer;
  onOrder?: (order: OrderNotification) => Promise<void>;
  onPrivacyRequest?: (request: PrivacyRequest) => Promise<void>;
  /** After a BigCommerce uninstall, when the shop's data is erased. Default 48 h, as Shopify's shop/redact. */
  shopRedactDelayMs?: number;
}

/** The topic of the shop erasure this worker schedules after a BigCommerce uninstall. */
export const SCHEDULED_SHOP_REDACT = "varai/shop-redact-after-uninstall";
export const SHOP_REDACT_DELAY_MS = 48 * 3600_000;

/** Throws so the queue retries with backoff (and dead-letters after its attempts). */
function retryLater(error: AppError, governor: RateGovernor, key: string): never {
  const retryAfterMs = Number(error.details?.retryAfterMs);
  if (error.code === "RATE_LIMITED" && retryAfterMs > 0) governor.penalize(key, retryAfterMs);
  else governor.observe(key, null); // the call is over either way
  throw error;
}

/** Handles one accepted webhook event. Idempotent: the queue delivers at least once. */
export function createEventHandler(w: WorkerDeps) {
  /**
   * The event, mapped here when the intake only accepted it (adapter.acceptWebhook). A payload
   * that does not map was still signed by the platform: counted as malformed and logged (never
   * the body), and acknowledged, since a retry would not map either.
   */
  const interpret = ({ tenantId, connectionId, receivedAt, event }: EventJob, connection: ConnectionDoc) => {
    if (event.kind !== "accepted") return event;
    const adapter = w.registry.adapterFor(connection);
    const mapped = adapter.interpretWebhook
      ? adapter.interpretWebhook(event)
      : err(webhookFailure("malformed", `${connection.platform} cannot map an accepted delivery`));
    if (mapped.ok) return mapped.value;
    w.stats?.count({ tenantId, id: connectionId }, "malformed", receivedAt);
    w.deps.logger.warn(
      { connectionId, tenantId, topic: event.topic, reason: mapped.error.message },
      "webhook not stored: payload does not map",
    );
    return null;
  };

  return async (job: Job<EventJob>): Promise<void> => {
    const { tenantId, connectionId, receivedAt } = job.payload;
    // The intake's short-lived route cache: one store read per event was a third of the worker's time.
    const cached = await w.store.byRoute(routeKey.connection(connectionId));
    const connection =
      cached?.tenantId === tenantId ? cached : await w.store.connections.findById(tenantId, connectionId);
    // Never acknowledged silently: a job whose connection this install does not know is retried
    // (an install sharing the queue by mistake may hand it to the one that does) and then
    // dead-lettered with this reason, where an operator can see it and requeue it.
    if (!connection)
      throw new AppError(
        "NOT_FOUND",
        `No connection ${connectionId} in tenant ${tenantId}: deleted, or enqueued by another install ` +
          "sharing this queue (check REDIS_KEY_PREFIX)",
      );
    const event = interpret(job.payload, connection);
    if (!event) return;
    // Catalog and order events of an uninstalled store change nothing (privacy requests still count).
    if (
      connection.status === "uninstalled" &&
      (event.kind === "product.upsert" || event.kind === "product.delete" || event.kind === "order")
    )
      return;
    switch (event.kind) {
      case "product.upsert": {
        let draft = event.product;
        if (draft) {
          // Adapters may leave this check to the engine (Shopify's intake does, to ack sooner):
          // nothing reaches the store that is not a valid ProductDraft.
          const checked = ProductDraftSchema.safeParse(draft);
          if (!checked.success) {
            const issue = checked.error.issues[0];
            w.stats?.count({ tenantId, id: connectionId }, "malformed", receivedAt);
            w.deps.logger.warn(
              {
                connectionId,
                tenantId,
                externalId: event.externalId,
                reason: `${issue?.path.join(".")}: ${issue?.message}`,
              },
              "webhook product not stored: invalid after mapping",
            );
            return;
          }
          draft = checked.data;
        } else {
          // Thin payload: the platform's current state decides, which makes ordering moot.
          const adapter = w.registry.adapterFor(connection);
          const fetch = async (id: string) => {
            await w.governor.acquire(connectionId);
            const result = await adapter.getProduct(id);
            if (!result.ok) retryLater(result.error, w.governor, connectionId);
            w.governor.observe(connectionId, result.value.rateLimit);
            return result.value.product;
          };
          let fetched = await fetch(event.fetchId ?? event.externalId);
          // A SKU may have been renamed (404) or reused by another product since the event was
          // sent: only the platform id decides that the product is gone.
          if (event.fetchId && fetched?.source.externalId !== event.externalId) fetched = await fetch(event.externalId);
          if (!fetched) {
            await w.writer.remove(
              tenantId,
              { platform: connection.platform, connectionId, externalId: event.externalId },
              receivedAt,
              receivedAt,
            );
            return;
          }
          draft = fetched;
        }
        await w.writer.upsert(tenantId, draft, receivedAt);
        return;
      }
      case "product.delete":
        await w.writer.remove(
          tenantId,
          { platform: connection.platform, connectionId, externalId: event.externalId },
          event.occurredAt ?? receivedAt,
          receivedAt,
        );
        return;
      case "order": {
        if (!w.onOrder) return;
        const ids = [...new Set(event.lineItems.map((li) => li.productExternalId))];
        const found = await w.writer.products.find(
          tenantId,
          { "source.connectionId": connectionId, "source.externalId": { $in: ids } },
          { projection: { id: 1, source: 1 } },
        );
        const byExternal = new Map(found.map((p) => [p.source.externalId, p.id]));
        await w.onOrder({
          tenantId,
          platform: connection.platform,
          connectionId,
          orderId: event.orderId,
          occurredAt: event.occurredAt ?? receivedAt,
          currency: event.currency,
          total: event.total,
          lineItems: event.lineItems.map((li) => {
            const productId = byExternal.get(li.productExternalId);
            return { ...li, ...(productId ? { productId } : {}) };
          }),
          varaiSessionId: event.varaiSessionId,
        });
        return;
      }
      case "privacy":
        // Our own timer after a BigCommerce uninstall: a store reinstalled meanwhile keeps its data.
        if (event.topic === SCHEDULED_SHOP_REDACT && connection.status !== "uninstalled") return;
        await w.onPrivacyRequest?.({
          tenantId,
          platform: connection.platform,
          connectionId,
          kind: event.request,
          ...(event.shopperId ? { shopperId: event.shopperId } : {}),
          ...(event.shopperEmail ? { shopperEmail: event.shopperEmail } : {}),
          ...(event.orderIds ? { orderIds: event.orderIds } : {}),
          ...(event.requestId ? { requestId: event.requestId } : {}),
        });
        return;
      case "app.uninstalled": {
        // Delivered more than once and after the fact: only the first one changes anything.
        const now = w.deps.clock().toISOString();
        const changed = await w.store.connections.updateOne(
          tenantId,
          { id: connectionId, status: "active" },
          { $set: { status: "uninstalled", uninstalledAt: now, updatedAt: now, health: "unknown" } },
        );
        w.store.invalidate(connection);
        // Shopify erases a shop itself (`shop/redact`, 48 h after the uninstall). BigCommerce's
        // uninstall is its only signal, so the same erasure is scheduled here, as durable as
        // any job; WooCommerce and Magento send none (see the README's privacy section).
        if (changed.modified > 0 && connection.platform === "bigcommerce") {
          const job: EventJob = {
            tenantId,
            connectionId,
            receivedAt: now,
            deliveryId: `shop-redact:${connectionId}:${now}`,
            event: {
              kind: "privacy",
              request: "shop-redact",
              topic: SCHEDULED_SHOP_REDACT,
              dedupeKey: `shop-redact:${connectionId}:${now}`,
              occurredAt: now,
            },
          };
          await w.deps.queue.enqueue(CATALOG_QUEUES.events, job, {
            id: job.deliveryId,
            delayMs: w.shopRedactDelayMs ?? SHOP_REDACT_DELAY_MS,
          });
        }
        return;
      }
      default:
        return;
    }
  };
}
