import type { WebhookRoute } from "@varai/commerce";
import type { GlobalCollection, RuntimeDeps, TenantCollection } from "@varai/runtime";
import {
  COLLECTION_DEFS,
  type ConnectionDoc,
  type DeliveryDoc,
  type RouteDoc,
  type SyncRunDoc,
} from "./collections.ts";

export const routeKey = {
  connection: (id: string) => `con:${id}`,
  shop: (domain: string) => `shop:${domain.toLowerCase()}`,
  storeHash: (hash: string) => `bc:${hash.toLowerCase()}`,
  /** The key of the connection field a webhook delivery names (the adapter's `WebhookRouter`). */
  of: (route: WebhookRoute): string => {
    switch (route.by) {
      case "connectionId":
        return routeKey.connection(route.value);
      case "shopDomain":
        return routeKey.shop(route.value);
      case "storeHash":
        return routeKey.storeHash(route.value);
    }
  },
};

/**
 * Collections plus a short-lived in-process cache of (route -> connection), so webhook intake
 * does not read two documents per delivery. Writers in this process invalidate it; other
 * processes see changes within `ttlMs`.
 */
export function createCatalogStore(deps: RuntimeDeps, ttlMs = 5_000) {
  const connections: TenantCollection<ConnectionDoc> = deps.store.tenantCollection<ConnectionDoc>(
    COLLECTION_DEFS.connections,
  );
  const routes: GlobalCollection<RouteDoc> = deps.store.globalCollection<RouteDoc>(COLLECTION_DEFS.routes);
  const runs: TenantCollection<SyncRunDoc> = deps.store.tenantCollection<SyncRunDoc>(COLLECTION_DEFS.syncRuns);
  const deliveries: TenantCollection<DeliveryDoc> = deps.store.tenantCollection<DeliveryDoc>(
    COLLECTION_DEFS.deliveries,
  );
  const cache = new Map<string, { doc: ConnectionDoc; at: number }>();

  return {
    connections,
    routes,
    runs,
    deliveries,
    /** The connection a webhook route names, or null (unknown store). */
    async byRoute(key: string): Promise<ConnectionDoc | null> {
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.doc;
      const route = await routes.findById(key);
      if (!route) return null;
      const doc = await connections.findById(route.tenantId, route.connectionId);
      if (!doc) return null;
      cache.set(key, { doc, at: Date.now() });
      if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
      return doc;
    },
    invalidate(doc: Pick<ConnectionDoc, "id" | "shopDomain" | "storeHash">) {
      cache.delete(routeKey.connection(doc.id));
      if (doc.shopDomain) cache.delete(routeKey.shop(doc.shopDomain));
      if (doc.storeHash) cache.delete(routeKey.storeHash(doc.storeHash));
    },
  };
}
export type CatalogStore = ReturnType<typeof createCatalogStore>;
