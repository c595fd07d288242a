import { webhookFailure } from "@varai/commerce";
import type { Job } from "@varai/runtime";
import { AppError, err } from "@varai/schema";
import type { ConnectionDoc } from "./collections.ts";
import { routeKey } from "./connections-store.ts";
import { handleOrder } from "./order-events.ts";
import { handlePrivacyRequest, handleUninstall } from "./privacy-events.ts";
import { handleProductDelete, handleProductUpsert } from "./product-events.ts";
import type { EventJob } from "./webhook-intake.ts";
import type { EventTarget, WorkerDeps } from "./worker-types.ts";

export type { EventTarget, OrderNotification, PrivacyRequest, WorkerDeps } from "./worker-types.ts";

/**
 * Handles one accepted webhook event: finds its connection, maps it if the intake only accepted
 * it, and hands it to the handler of its kind. Idempotent: the queue delivers at least once.
 */
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
    const target: EventTarget = { tenantId, connectionId, receivedAt, connection };
    switch (event.kind) {
      case "product.upsert":
        return handleProductUpsert(w, target, event);
      case "product.delete":
        return handleProductDelete(w, target, event);
      case "order":
        return handleOrder(w, target, event);
      case "privacy":
        return handlePrivacyRequest(w, target, event);
      case "app.uninstalled":
        return handleUninstall(w, target);
      default:
        return;
    }
  };
}
