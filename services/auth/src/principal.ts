import { setPrincipal } from "@varai/runtime";
import { type ApiKeyKind, AppError, type Principal } from "@varai/schema";
import type { Request, RequestHandler, Response } from "express";
import { hashPresentedKey, keyCacheKey, originAllowed } from "./api-keys.ts";
import type { AuthContext } from "./context.ts";
import { enforce } from "./rate-limits.ts";
import { admitTenant, assertRegion, findTenant } from "./tenants.ts";

type CachedKey =
  | { missing: true }
  | { missing: false; tenantId: string; keyId: string; kind: ApiKeyKind; allowedOrigins: string[]; revoked: boolean };

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** Resolves `Authorization: Bearer <jwt>` or `X-VARAi-Key` to `res.locals.principal`. */
export function createAuthenticate(ctx: AuthContext): RequestHandler {
  return async (req, res, next) => {
    try {
      await resolvePrincipal(ctx, req, res);
    } catch (error) {
      // Each refused credential spends the caller's failure budget; once spent, the answer is
      // 429 whatever is presented, so keys and tokens cannot be guessed at request rate.
      if (error instanceof AppError && error.code === "UNAUTHENTICATED") {
        await enforce(ctx.rateLimiter, res, [[ctx.policies.authFailureIp, req.ip ?? "unknown"]]);
      }
      throw error;
    }
    next();
  };
}

/**
 * `navigator.sendBeacon` (events flushed on page hide) cannot set headers, so `POST /v1/events`
 * alone also takes the publishable key as `?key=`.
 */
function beaconKey(req: Request): string | undefined {
  if (req.method !== "POST" || req.path !== "/v1/events") return undefined;
  const key = req.query.key;
  return typeof key === "string" ? key : undefined;
}

async function resolvePrincipal(ctx: AuthContext, req: Request, res: Response): Promise<void> {
  const authorization = req.header("authorization");
  const key = req.header("x-varai-key") ?? beaconKey(req);
  let principal: Principal;
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization);
    if (!match?.[1]) throw new AppError("UNAUTHENTICATED", "Authorization must be Bearer <access token>");
    const user = await ctx.sessionCheck.principal(await ctx.tokens.verify(match[1]));
    principal = user;
    // A platform admin acting on a tenant is held to that tenant's region too.
    const acting = user.role === "platform_admin" ? req.header("x-varai-tenant") : undefined;
    if (acting) {
      const tenant = await findTenant(ctx, acting);
      if (tenant) assertRegion(ctx, tenant);
    }
  } else if (key !== undefined) {
    principal = await resolveKey(ctx, key, req.header("origin"));
    // A key in a URL ends up in access logs: only the public kind may travel there.
    if (req.header("x-varai-key") === undefined && principal.kind !== "storefront") {
      throw new AppError("FORBIDDEN", "Only publishable keys may be sent as ?key=");
    }
  } else {
    return;
  }
  await admitTenant(ctx, principal.tenantId);
  // Only platform admins may name a tenant. Anyone else naming a foreign one gets the same
  // 404 as a foreign id in a path, on every route, rather than silently acting on their own.
  const named = req.header("x-varai-tenant");
  const isPlatformAdmin = principal.kind === "user" && principal.role === "platform_admin";
  if (named !== undefined && !isPlatformAdmin && named !== principal.tenantId) {
    throw new AppError("NOT_FOUND", "Tenant not found");
  }
  setPrincipal(res, principal);
}

/** An API key (cached, misses too) as a principal: secret keys from servers, publishable ones from their origins. */
async function resolveKey(ctx: AuthContext, presented: string, origin: string | undefined): Promise<Principal> {
  const parsed = hashPresentedKey(presented);
  if (!parsed) throw new AppError("UNAUTHENTICATED", "Invalid API key");
  let entry = await ctx.cache.get<CachedKey>(keyCacheKey(parsed.hash));
  if (!entry) {
    const index = await ctx.collections.apiKeyIndex.findById(parsed.hash);
    const doc = index ? await ctx.collections.apiKeys.findById(index.tenantId, index.keyId) : null;
    entry = doc
      ? {
          missing: false,
          tenantId: doc.tenantId,
          keyId: doc.id,
          kind: doc.kind,
          allowedOrigins: doc.allowedOrigins,
          revoked: doc.revokedAt !== null,
        }
      : { missing: true };
    await ctx.cache.set(keyCacheKey(parsed.hash), entry, ctx.lookupCacheTtlMs);
  }
  if (entry.missing || entry.revoked) throw new AppError("UNAUTHENTICATED", "Invalid API key");
  if (entry.kind === "secret") {
    // A browser always sends Origin on cross-origin calls: a secret key there has leaked into a page.
    if (origin !== undefined) throw new AppError("FORBIDDEN", "Secret keys are for servers, not browsers");
    return { kind: "secret-key", tenantId: entry.tenantId, keyId: entry.keyId };
  }
  if (!originAllowed(entry.allowedOrigins, origin)) {
    throw new AppError("FORBIDDEN", "This key is not allowed from this origin");
  }
  return { kind: "storefront", tenantId: entry.tenantId, keyId: entry.keyId, origin: origin ?? null };
}
