import type { OrderEvent } from "@varai/commerce";
import type { EventTarget, WorkerDeps } from "./worker-types.ts";

/** A paid order, handed on (analytics counts it as a purchase) with its lines mapped to our product ids. */
export async function handleOrder(w: WorkerDeps, t: EventTarget, event: OrderEvent): Promise<void> {
  if (!w.onOrder) return;
  const { tenantId, connectionId, receivedAt } = t;
  const ids = [...new Set(event.lineItems.map((li) => li.productExternalId))];
  const found = await w.writer.products.find(
    tenantId,
    { "source.connectionId": connectionId, "source.externalId": { $in: ids } },
    { projection: { id: 1, source: 1 } },
  );
  const byExternal = new Map(found.map((p) => [p.source.externalId, p.id]));
  await w.onOrder({
    tenantId,
    platform: t.connection.platform,
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
}
