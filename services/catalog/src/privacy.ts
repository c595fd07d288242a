import { COLLECTIONS, type PrivacyParticipant, type RuntimeDeps } from "@varai/runtime";
import type { ProductDoc } from "./collections.ts";
import { type CatalogStore, routeKey } from "./connections-store.ts";

/**
 * The shop's own data, erased when the shop is (Shopify `shop/redact` 48 hours after an
 * uninstall, BigCommerce 48 hours after its uninstall callback, `POST /v1/privacy/redact
 * {scope: "tenant"}`): every connection with its sealed credentials and webhook secret, the
 * webhook routes that name its store, products, frame assets, sync runs and delivery records.
 * Catalog holds no shopper data, so a shopper subject erases nothing here. Runs after every
 * other participant (`eraseLast`): a redaction webhook that must be retried still finds its
 * connection until the rest is done.
 */
export function createCatalogPrivacy(deps: RuntimeDeps, store: CatalogStore): PrivacyParticipant {
  const products = deps.store.tenantCollection<ProductDoc>(COLLECTIONS.products);
  return {
    name: "catalog.shop",
    eraseLast: true,
    async export(subject) {
      if (subject.kind !== "tenant") return [];
      const connections = await store.connections.find(subject.tenantId, {});
      const productCount = await products.count(subject.tenantId, {});
      return [
        ...connections.map((c) => ({
          kind: "connection",
          id: c.id,
          platform: c.platform,
          name: c.name,
          ...(c.shopDomain ? { shopDomain: c.shopDomain } : {}),
          ...(c.storeUrl ? { storeUrl: c.storeUrl } : {}),
          ...(c.storeHash ? { storeHash: c.storeHash } : {}),
          status: c.status,
          createdAt: c.createdAt,
        })),
        { kind: "catalog", products: productCount },
      ];
    },
    async erase(subject) {
      if (subject.kind !== "tenant") return 0;
      const { tenantId } = subject;
      const connections = await store.connections.find(tenantId, {});
      let removed = 0;
      for (const c of connections) {
        const keys = [routeKey.connection(c.id)];
        if (c.shopDomain) keys.push(routeKey.shop(c.shopDomain));
        if (c.storeHash) keys.push(routeKey.storeHash(c.storeHash));
        // Only routes that still point here: a store reinstalled under another tenant keeps its own.
        removed += await store.routes.deleteMany({ id: { $in: keys }, tenantId });
        store.invalidate(c);
      }
      removed += await store.connections.deleteMany(tenantId, {});
      removed += await products.deleteMany(tenantId, {});
      removed += await store.runs.deleteMany(tenantId, {});
      removed += await store.deliveries.deleteMany(tenantId, {});
      for (const blob of await deps.blobs.list(`${tenantId}/frame-assets/`)) {
        if (await deps.blobs.delete(blob.key)) removed++;
      }
      return removed;
    },
  };
}
