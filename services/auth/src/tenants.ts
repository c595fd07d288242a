import { AppError, newId, type Region, type Tenant, TenantIdSchema } from "@varai/schema";
import { PLATFORM_TENANT_ID } from "./collections.ts";
import { type AuthContext, nowIso } from "./context.ts";

type CachedTenant = { missing: true } | { missing: false; tenant: Tenant };

type TenantDeps = Pick<AuthContext, "cache" | "collections" | "region" | "lookupCacheTtlMs">;

export const tenantCacheKey = (id: string) => `auth:tenant:${id}`;

/** The tenant (cached, misses too), or null for an unknown or malformed id. */
export async function findTenant(ctx: TenantDeps, tenantId: string): Promise<Tenant | null> {
  if (!TenantIdSchema.safeParse(tenantId).success) return null;
  const cached = await ctx.cache.get<CachedTenant>(tenantCacheKey(tenantId));
  if (cached) return cached.missing ? null : cached.tenant;
  const tenant = await ctx.collections.tenants.findById(tenantId);
  await ctx.cache.set(
    tenantCacheKey(tenantId),
    tenant ? { missing: false, tenant } : { missing: true },
    ctx.lookupCacheTtlMs,
  );
  return tenant;
}

export function assertRegion(ctx: Pick<AuthContext, "region">, tenant: Tenant): void {
  if (ctx.region !== null && tenant.region !== ctx.region) {
    throw new AppError("FORBIDDEN", `tenant lives in region ${tenant.region}`, {
      details: { tenantRegion: tenant.region, deploymentRegion: ctx.region },
    });
  }
}

export async function getTenant(ctx: TenantDeps, tenantId: string): Promise<Tenant> {
  const tenant = await findTenant(ctx, tenantId);
  if (!tenant) throw new AppError("NOT_FOUND", "Tenant not found");
  assertRegion(ctx, tenant);
  return tenant;
}

/** The checks every tenant principal passes on every call: the tenant exists, is active and is served here. */
export async function admitTenant(ctx: TenantDeps, tenantId: string): Promise<void> {
  if (tenantId === PLATFORM_TENANT_ID) return;
  const tenant = await findTenant(ctx, tenantId);
  if (!tenant) throw new AppError("UNAUTHENTICATED", "Credentials of an unknown tenant");
  assertRegion(ctx, tenant);
  if (tenant.status !== "active") throw new AppError("FORBIDDEN", "Tenant is suspended");
}

/** Tenants a directory page lists at most: more calls for paging, which no deployment needs yet. */
export const TENANT_LIST_LIMIT = 1000;

/** `GET /v1/tenants`: this deployment's tenants (its region's, if it serves one), oldest first. */
export async function listTenants(ctx: Pick<AuthContext, "collections" | "region">): Promise<Tenant[]> {
  return ctx.collections.tenants.find(ctx.region === null ? {} : { region: ctx.region }, {
    sort: { createdAt: 1 },
    limit: TENANT_LIST_LIMIT,
  });
}

/** `POST /v1/tenants`: a new tenant of this deployment's region. */
export async function provisionTenant(
  ctx: TenantDeps & Pick<AuthContext, "clock">,
  input: { name: string; region: Region; id?: string },
): Promise<Tenant> {
  const { tenants } = ctx.collections;
  if (input.id !== undefined) {
    TenantIdSchema.parse(input.id);
    // Fixed ids are for seeds: provisioning the same one again returns it unchanged.
    const existing = await tenants.findById(input.id);
    if (existing) return existing;
  }
  if (ctx.region !== null && input.region !== ctx.region) {
    throw new AppError("FORBIDDEN", `tenant lives in region ${input.region}`, {
      details: { tenantRegion: input.region, deploymentRegion: ctx.region },
    });
  }
  const at = nowIso(ctx);
  const tenant = await tenants.insertOne({
    id: input.id ?? newId("tenant"),
    name: input.name,
    region: input.region,
    status: "active",
    createdAt: at,
    updatedAt: at,
  });
  await ctx.cache.delete(tenantCacheKey(tenant.id));
  return tenant;
}

/**
 * `PATCH /v1/tenants/:id`: a platform admin moves a tenant to another region (a shop whose
 * country put it in the wrong one). A deployment that serves one region cannot hand its tenant
 * to the other: the data has to move first (docs/runbooks), so it refuses.
 */
export async function changeTenantRegion(
  ctx: TenantDeps & Pick<AuthContext, "clock">,
  tenantId: string,
  region: Region,
): Promise<Tenant> {
  const tenant = await getTenant(ctx, tenantId);
  if (tenant.region === region) return tenant;
  if (ctx.region !== null) {
    throw new AppError("FORBIDDEN", `This deployment serves region ${ctx.region} only: move the tenant's data first`, {
      details: { tenantRegion: tenant.region, deploymentRegion: ctx.region },
    });
  }
  await ctx.collections.tenants.updateOne({ id: tenantId }, { $set: { region, updatedAt: nowIso(ctx) } });
  await ctx.cache.delete(tenantCacheKey(tenantId));
  return { ...tenant, region, updatedAt: nowIso(ctx) };
}
