import { COLLECTIONS, type DocumentStore } from "@varai/runtime";
import type { Tenant } from "@varai/schema";

const TENANT_CACHE_MS = 5 * 60_000;
const TENANT_CACHE_MAX = 10_000;

/** The tenant's region, the fallback when no CDN country header came with the request (cached 5 minutes). */
export function createTenantRegions(store: DocumentStore): (tenantId: string) => Promise<string | null> {
  const tenants = store.globalCollection<Tenant>(COLLECTIONS.tenants);
  const regionCache = new Map<string, { region: string | null; at: number }>();
  return async function tenantRegion(tenantId: string): Promise<string | null> {
    const hit = regionCache.get(tenantId);
    if (hit && Date.now() - hit.at < TENANT_CACHE_MS) return hit.region;
    const tenant = await tenants.findById(tenantId);
    if (regionCache.size >= TENANT_CACHE_MAX) regionCache.clear();
    const region = tenant?.region ?? null;
    regionCache.set(tenantId, { region, at: Date.now() });
    return region;
  };
}
