import { createHash, randomUUID } from "node:crypto";
import { parseInput } from "@varai/runtime";
import type { AnalyticsEventInput } from "@varai/schema";
import type { EventQueue } from "./event-queue.ts";
import { type PurchaseInput, PurchaseInputSchema } from "./schemas.ts";

/** A paid order from a platform webhook, already verified by the catalog's intake. */
export type PurchaseOrder = PurchaseInput;

export interface PurchaseIngestDeps {
  queue: EventQueue;
  tenantRegion: (tenantId: string) => Promise<string | null>;
  clock: () => Date;
}

/** Turns a paid order into purchase events (one per line), idempotent by order id + line. */
export async function ingestPurchase(deps: PurchaseIngestDeps, order: PurchaseOrder): Promise<void> {
  const input = parseInput(PurchaseInputSchema, order, "purchase");
  if (input.lineItems.length === 0) return;
  const attributed = input.varaiSessionId !== null;
  // Deterministic event ids: a webhook delivered twice (platforms retry) yields the same
  // events, and the processor stores and counts each id once. The batch id stays random: a
  // second delivery is a different batch whose events all turn out to be duplicates.
  const orderKey = `${input.tenantId}|${input.platform}|${input.connectionId}|${input.orderId}`;
  const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 40);
  const events: AnalyticsEventInput[] = input.lineItems.map((line, index) => ({
    id: `pur_${hash(`${orderKey}|${index}|${line.productExternalId}`)}`,
    type: "purchase",
    sessionId: input.varaiSessionId ?? `order:${hash(orderKey).slice(0, 24)}`,
    ...(line.productId ? { productId: line.productId } : {}),
    occurredAt: input.occurredAt,
    properties: {
      platform: input.platform,
      orderId: input.orderId.slice(0, 512),
      productExternalId: line.productExternalId,
      quantity: line.quantity,
      price: line.price,
      value: Math.round(line.price * line.quantity * 100) / 100,
      currency: input.currency,
      attributed,
    },
  }));
  // No backpressure check: orders are few and precious, and a 503 would only make the
  // platform retry later.
  await deps.queue.enqueue({
    batchId: `pob_${randomUUID().replaceAll("-", "")}`,
    tenantId: input.tenantId,
    receivedAt: deps.clock().toISOString(),
    deviceClass: "unknown",
    region: await deps.tenantRegion(input.tenantId),
    events,
  });
}
