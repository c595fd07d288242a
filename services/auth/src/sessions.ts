import { randomUUID } from "node:crypto";
import { AppError } from "@varai/schema";
import type { UserDoc } from "./collections.ts";
import { type AuthContext, nowIso } from "./context.ts";
import { hashPassword, needsRehash, verifyPassword } from "./passwords.ts";
import { admitTenant } from "./tenants.ts";
import { newRefreshToken, parseRefreshToken, REFRESH_TOKEN_TTL_MS, sha256 } from "./tokens.ts";
import type { Session } from "./types.ts";
import { normaliseEmail, publicUser } from "./users.ts";

/** A short-lived access token and a new refresh token of the session family. */
export async function issueSession(ctx: AuthContext, user: UserDoc, familyId: string): Promise<Session> {
  const access = await ctx.tokens.sign({
    userId: user.id,
    tenantId: user.tenantId,
    role: user.role,
    email: user.email,
    sessionId: familyId,
  });
  const refreshToken = newRefreshToken(user.tenantId);
  await ctx.collections.refreshTokens.insertOne(user.tenantId, {
    id: sha256(refreshToken),
    userId: user.id,
    familyId,
    status: "active",
    createdAt: nowIso(ctx),
    expiresAt: new Date(ctx.clock().getTime() + REFRESH_TOKEN_TTL_MS),
  });
  return {
    tokenType: "Bearer",
    accessToken: access.token,
    expiresIn: access.expiresIn,
    refreshToken,
    user: publicUser(user),
  };
}

async function revokeFamily(ctx: AuthContext, tenantId: string, familyId: string): Promise<void> {
  await ctx.collections.refreshTokens.updateMany(tenantId, { familyId }, { $set: { status: "revoked" } });
  await ctx.sessionCheck.forget(tenantId, familyId);
}

/** `POST /v1/auth/login`. */
export async function login(
  ctx: AuthContext,
  { email: rawEmail, password, ip }: { email: string; password: string; ip: string },
): Promise<Session> {
  const { identities, users } = ctx.collections;
  const email = normaliseEmail(rawEmail);
  // Throttled before any password work, so a flood costs no scrypt time.
  const attempt = await ctx.loginThrottle.admit(email, ip);
  const identity = await identities.findById(email);
  const user = identity ? await users.findById(identity.tenantId, identity.userId) : null;
  // Unknown emails verify against a decoy hash: the same scrypt time as a wrong password.
  const valid = await verifyPassword(password, user?.passwordHash ?? (await ctx.decoyHash()));
  if (!user || !valid || user.status !== "active") {
    ctx.logger.info({ ip, tenantId: user?.tenantId ?? null }, "login refused");
    throw new AppError("UNAUTHENTICATED", "Invalid email or password");
  }
  await admitTenant(ctx, user.tenantId);
  await attempt.succeeded();
  if (needsRehash(user.passwordHash, ctx.scrypt)) {
    const passwordHash = await hashPassword(password, ctx.scrypt);
    await users.updateOne(user.tenantId, { id: user.id }, { $set: { passwordHash } });
  }
  ctx.logger.info({ userId: user.id, tenantId: user.tenantId }, "login");
  return issueSession(ctx, user, `fam_${randomUUID()}`);
}

/** `POST /v1/auth/refresh`: single use; a reused token ends its whole family. */
export async function refresh(ctx: AuthContext, presented: string): Promise<Session> {
  const { refreshTokens, users } = ctx.collections;
  const parsed = parseRefreshToken(presented);
  const refused = new AppError("UNAUTHENTICATED", "Invalid refresh token");
  if (!parsed) throw refused;
  const doc = await refreshTokens.findById(parsed.tenantId, parsed.hash);
  if (!doc || doc.expiresAt.getTime() <= ctx.clock().getTime()) throw refused;
  // Claim the token atomically: of two concurrent uses, one wins and the other is a reuse.
  const claimed =
    doc.status === "active"
      ? await refreshTokens.findOneAndUpdate(
          parsed.tenantId,
          { id: parsed.hash, status: "active" },
          { $set: { status: "rotated" } },
        )
      : null;
  if (!claimed) {
    // A rotated token presented again means two holders: the thief or the user. Ending the
    // whole family signs both out (OAuth 2.0 Security BCP, refresh token rotation).
    await revokeFamily(ctx, parsed.tenantId, doc.familyId);
    ctx.logger.warn({ tenantId: parsed.tenantId, userId: doc.userId }, "refresh token reuse: family revoked");
    await ctx.auditLog.record({
      tenantId: parsed.tenantId,
      actor: { kind: "user", id: doc.userId },
      action: "auth.refresh-token-reuse",
      target: { type: "user", id: doc.userId },
      outcome: "failure",
    });
    throw refused;
  }
  const user = await users.findById(parsed.tenantId, doc.userId);
  if (user?.status !== "active") throw refused;
  await admitTenant(ctx, user.tenantId);
  return issueSession(ctx, user, doc.familyId);
}

/** `POST /v1/auth/logout`: ends the token's session family (an unknown token is not an error). */
export async function logout(ctx: AuthContext, presented: string): Promise<void> {
  const parsed = parseRefreshToken(presented);
  if (!parsed) return;
  const doc = await ctx.collections.refreshTokens.findById(parsed.tenantId, parsed.hash);
  if (doc) await revokeFamily(ctx, parsed.tenantId, doc.familyId);
}
