import type { ProductDeleteEvent, ProductUpsertEvent } from "@varai/commerce";
import { type AppError, ProductDraftSchema } from "@varai/schema";
import type { RateGovernor } from "./governor.ts";
import type { EventTarget, WorkerDeps } from "./worker-types.ts";

/** Throws so the queue retries with backoff (and dead-letters after its attempts). */
function retryLater(error: AppError, governor: RateGovernor, key: string): never {
  const retryAfterMs = Number(error.details?.retryAfterMs);
  if (error.code === "RATE_LIMITED" && retryAfterMs > 0) governor.penalize(key, retryAfterMs);
  else governor.observe(key, null); // the call is over either way
  throw error;
}

/**
 * A product created or changed: written with last-writer-wins. A full payload is checked as a
 * ProductDraft first (adapters may leave that to the engine: Shopify's intake does, to ack
 * sooner); a thin one is fetched, so the platform's current state decides and ordering is moot.
 */
export async function handleProductUpsert(w: WorkerDeps, t: EventTarget, event: ProductUpsertEvent): Promise<void> {
  const { tenantId, connectionId, receivedAt } = t;
  if (!event.product) {
    const fetched = await fetchCurrent(w, t, event);
    if (fetched) await w.writer.upsert(tenantId, fetched, receivedAt);
    else await w.writer.remove(tenantId, sourceOf(t, event.externalId), receivedAt, receivedAt);
    return;
  }
  const checked = ProductDraftSchema.safeParse(event.product);
  if (checked.success) {
    await w.writer.upsert(tenantId, checked.data, receivedAt);
    return;
  }
  const issue = checked.error.issues[0];
  w.stats?.count({ tenantId, id: connectionId }, "malformed", receivedAt);
  w.deps.logger.warn(
    { connectionId, tenantId, externalId: event.externalId, reason: `${issue?.path.join(".")}: ${issue?.message}` },
    "webhook product not stored: invalid after mapping",
  );
}

/** The product as the platform has it now, or null when it is gone. */
async function fetchCurrent(w: WorkerDeps, t: EventTarget, event: ProductUpsertEvent) {
  const { connectionId } = t;
  const adapter = w.registry.adapterFor(t.connection);
  const fetch = async (id: string) => {
    await w.governor.acquire(connectionId);
    const result = await adapter.getProduct(id);
    if (!result.ok) retryLater(result.error, w.governor, connectionId);
    w.governor.observe(connectionId, result.value.rateLimit);
    return result.value.product;
  };
  const fetched = await fetch(event.fetchId ?? event.externalId);
  // A SKU may have been renamed (404) or reused by another product since the event was
  // sent: only the platform id decides that the product is gone.
  if (event.fetchId && fetched?.source.externalId !== event.externalId) return fetch(event.externalId);
  return fetched;
}

/** A product deleted: a tombstone that an update stamped at or before the deletion cannot revive. */
export async function handleProductDelete(w: WorkerDeps, t: EventTarget, event: ProductDeleteEvent): Promise<void> {
  await w.writer.remove(t.tenantId, sourceOf(t, event.externalId), event.occurredAt ?? t.receivedAt, t.receivedAt);
}

const sourceOf = (t: EventTarget, externalId: string) => ({
  platform: t.connection.platform,
  connectionId: t.connectionId,
  externalId,
});
