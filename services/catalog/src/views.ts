import type { Connection, Product } from "@varai/schema";
import type { ConnectionDoc, ProductDoc, SyncRunDoc } from "./collections.ts";

// What the API shows of stored documents: never a credential, a lease or a sync bookkeeping field.

/** The public connection: ConnectionSchema fields plus status; never a credential. */
export function toPublicConnection(doc: ConnectionDoc, webhookUrl: string, lastRun: SyncRunDoc | null) {
  const c: Connection & Record<string, unknown> = {
    id: doc.id,
    tenantId: doc.tenantId,
    platform: doc.platform,
    name: doc.name,
    ...(doc.shopDomain ? { shopDomain: doc.shopDomain } : {}),
    ...(doc.storeUrl ? { storeUrl: doc.storeUrl } : {}),
    ...(doc.storeHash ? { storeHash: doc.storeHash } : {}),
    ...(doc.storeCode ? { storeCode: doc.storeCode } : {}),
    ...(doc.apiBaseUrl ? { apiBaseUrl: doc.apiBaseUrl } : {}),
    webhookUrl,
    health: doc.health,
    lastSyncAt: doc.lastSyncAt,
    lastDeliveryAt: doc.lastDeliveryAt,
    webhookStats: doc.webhookStats,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    status: doc.status,
    currency: doc.currency,
    webhookCheck: doc.webhookCheck,
    lastSync: lastRun ? toPublicRun(lastRun) : null,
  };
  return c;
}

export function toPublicRun(run: SyncRunDoc) {
  const { leaseOwner: _o, leaseUntil: _u, pages: _p, ...rest } = run;
  return rest;
}

export function toPublicProduct(doc: ProductDoc): Product & { deletedAt: string | null } {
  const { sync: _s, ...rest } = doc;
  return rest;
}
