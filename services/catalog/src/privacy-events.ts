import type { PrivacyEvent } from "@varai/commerce";
import { CATALOG_QUEUES } from "./collections.ts";
import type { EventJob } from "./webhook-intake.ts";
import type { EventTarget, WorkerDeps } from "./worker-types.ts";

/** The topic of the shop erasure this worker schedules after a BigCommerce uninstall. */
export const SCHEDULED_SHOP_REDACT = "varai/shop-redact-after-uninstall";
export const SHOP_REDACT_DELAY_MS = 48 * 3600_000;

/** A platform's privacy request (export, shopper redaction, shop redaction), handed to auth's privacy. */
export async function handlePrivacyRequest(w: WorkerDeps, t: EventTarget, event: PrivacyEvent): Promise<void> {
  // Our own timer after a BigCommerce uninstall: a store reinstalled meanwhile keeps its data.
  if (event.topic === SCHEDULED_SHOP_REDACT && t.connection.status !== "uninstalled") return;
  await w.onPrivacyRequest?.({
    tenantId: t.tenantId,
    platform: t.connection.platform,
    connectionId: t.connectionId,
    kind: event.request,
    ...(event.shopperId ? { shopperId: event.shopperId } : {}),
    ...(event.shopperEmail ? { shopperEmail: event.shopperEmail } : {}),
    ...(event.orderIds ? { orderIds: event.orderIds } : {}),
    ...(event.requestId ? { requestId: event.requestId } : {}),
  });
}

/**
 * The app uninstalled: the connection stops syncing. Delivered more than once and after the
 * fact: only the first one changes anything. Shopify erases a shop itself (`shop/redact`, 48 h
 * after the uninstall); BigCommerce's uninstall is its only signal, so the same erasure is
 * scheduled here, as durable as any job; WooCommerce and Magento send none (see the README's
 * privacy section).
 */
export async function handleUninstall(w: WorkerDeps, t: EventTarget): Promise<void> {
  const { tenantId, connectionId, connection } = t;
  const now = w.deps.clock().toISOString();
  const changed = await w.store.connections.updateOne(
    tenantId,
    { id: connectionId, status: "active" },
    { $set: { status: "uninstalled", uninstalledAt: now, updatedAt: now, health: "unknown" } },
  );
  w.store.invalidate(connection);
  if (changed.modified === 0 || connection.platform !== "bigcommerce") return;
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
