/** The tenant a platform admin is looking at (sent as X-VARAi-Tenant); null for tenant users. */
let current: string | null = null;
const listeners = new Set<() => void>();

export const actingTenant = {
  get: (): string | null => current,
  set(tenantId: string | null): void {
    current = tenantId;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
