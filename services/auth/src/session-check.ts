import type { Cache, TenantCollection } from "@varai/runtime";
import { AppError, type Principal } from "@varai/schema";
import type { RefreshTokenDoc, UserDoc } from "./collections.ts";
import type { AccessClaims } from "./tokens.ts";

/**
 * How long a checked session is trusted before the store is asked again. A logout on another
 * process, a revoked refresh family, a deleted or disabled user or a changed role takes effect
 * within this bound (at once on the process that made the change, and everywhere when the
 * cache is Redis, which shares the invalidation).
 */
export const SESSION_CHECK_TTL_MS = 5_000;
const MAX_SESSION_CHECK_TTL_MS = 60_000;

type CachedSession = { live: false } | { live: true; role: UserDoc["role"]; email: string };

export interface SessionCheck {
  /** The user principal for verified claims, with the user's current role; UNAUTHENTICATED when the session has ended. */
  principal(claims: AccessClaims): Promise<Extract<Principal, { kind: "user" }>>;
  /** Drops the cached answer after the session ended here (logout, reuse detection). */
  forget(tenantId: string, sessionId: string): Promise<void>;
}

/**
 * A signed access token only says who the user was when it was issued. Every request also
 * needs the session (the refresh family) to be live and the user to still exist, be active and
 * hold the role used: one cache read per request, three indexed store reads per session per TTL.
 */
export function createSessionCheck(deps: {
  users: TenantCollection<UserDoc>;
  refreshTokens: TenantCollection<RefreshTokenDoc>;
  cache: Cache;
  clock: () => Date;
  ttlMs?: number;
}): SessionCheck {
  const ttlMs = deps.ttlMs ?? SESSION_CHECK_TTL_MS;
  if (!(ttlMs > 0 && ttlMs <= MAX_SESSION_CHECK_TTL_MS)) {
    throw new AppError("INVALID_CONFIG", `sessionCheckTtlMs must be above 0 and at most ${MAX_SESSION_CHECK_TTL_MS}`);
  }
  const cacheKey = (tenantId: string, sessionId: string) => `auth:session:${tenantId}:${sessionId}`;

  async function load(claims: AccessClaims): Promise<CachedSession> {
    const family = { familyId: claims.sessionId, userId: claims.userId };
    const [user, revoked, current] = await Promise.all([
      deps.users.findById(claims.tenantId, claims.userId),
      // Logout and reuse detection revoke every token of the family; one revoked token is
      // enough (a refresh racing the revocation may still have added an active one).
      deps.refreshTokens.findOne(claims.tenantId, { ...family, status: "revoked" }),
      // Rotated tokens count: between claiming the old token and storing the new one, a
      // refresh leaves none active.
      deps.refreshTokens.findOne(claims.tenantId, {
        ...family,
        status: { $in: ["active", "rotated"] },
        expiresAt: { $gt: deps.clock() },
      }),
    ]);
    const live = user?.status === "active" && revoked === null && current !== null;
    return live ? { live: true, role: user.role, email: user.email } : { live: false };
  }

  return {
    async principal(claims) {
      const key = cacheKey(claims.tenantId, claims.sessionId);
      let session = await deps.cache.get<CachedSession>(key);
      if (!session) {
        session = await load(claims);
        await deps.cache.set(key, session, ttlMs);
      }
      if (!session.live) throw new AppError("UNAUTHENTICATED", "Invalid or expired access token");
      return {
        kind: "user",
        userId: claims.userId,
        tenantId: claims.tenantId,
        role: session.role,
        email: session.email,
      };
    },
    async forget(tenantId, sessionId) {
      await deps.cache.delete(cacheKey(tenantId, sessionId));
    },
  };
}
