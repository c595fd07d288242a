import { randomUUID } from "node:crypto";
import { AppError, type InstallSession, newId } from "@varai/schema";
import type { UserDoc } from "./collections.ts";
import { type AuthContext, nowIso } from "./context.ts";
import { issueSession } from "./sessions.ts";
import { admitTenant } from "./tenants.ts";
import type { PlatformUser } from "./types.ts";

/**
 * A merchant's staff member as their platform knows them (a Shopify user in the embedded admin,
 * a BigCommerce control-panel user), opening our app inside the platform. They never sign in
 * with a password: the app's server vouches for them (session token, signed payload) and gets a
 * short-lived access token for the store's tenant. Each platform user is one VARAi user of that
 * tenant (tenant admin: the platform already decided who may open the app), found again by a
 * synthetic identity that no mailbox has (`.invalid`, RFC 2606), so they appear in the tenant's
 * user list and audit log like anyone else, and their removal is one user's removal.
 */

/** Never a scrypt hash, so `verifyPassword` refuses every password for these users. */
const NO_PASSWORD = "platform-app-user";

export function platformIdentity(u: Omit<PlatformUser, "tenantId">): string {
  return `${u.platformUserId}@${u.storeId.replace(/[^a-z0-9.-]/g, "-")}.${u.app}.apps.varai.invalid`.toLowerCase();
}

export async function openPlatformUserSession(ctx: AuthContext, u: PlatformUser): Promise<InstallSession> {
  await admitTenant(ctx, u.tenantId);
  const user = await findOrCreatePlatformUser(ctx, u);
  if (user.status !== "active") throw new AppError("FORBIDDEN", "This user was removed from the app");
  const session = await issueSession(ctx, user, `fam_${randomUUID()}`);
  // The refresh token stays unused (never handed out): the app asks for a new session instead.
  return { tokenType: "Bearer", accessToken: session.accessToken, expiresIn: session.expiresIn, tenantId: u.tenantId };
}

async function findOrCreatePlatformUser(ctx: AuthContext, u: PlatformUser): Promise<UserDoc> {
  const { identities, users } = ctx.collections;
  const email = platformIdentity(u);
  const identity = await identities.findById(email);
  if (identity) {
    if (identity.tenantId !== u.tenantId)
      throw new AppError("CONFLICT", "This platform user belongs to another tenant");
    const user = await users.findById(identity.tenantId, identity.userId);
    if (user) return user;
    // An identity left by a crash between the two inserts below: take it back and start again.
    await identities.deleteOne({ id: email });
  }
  const id = newId("user");
  try {
    await identities.insertOne({ id: email, tenantId: u.tenantId, userId: id });
  } catch (error) {
    // Two first opens at once: the other one created the user.
    if (error instanceof AppError && error.code === "CONFLICT") return findOrCreatePlatformUser(ctx, u);
    throw error;
  }
  const at = nowIso(ctx);
  return users.insertOne(u.tenantId, {
    id,
    email,
    role: "tenant_admin",
    status: "active",
    passwordHash: NO_PASSWORD,
    createdAt: at,
    updatedAt: at,
  });
}

/**
 * BigCommerce's `remove_user`: that user's link only. The user is disabled (its sessions die
 * within the session check's TTL) and its identity released, so a later re-add starts afresh.
 * Unknown users are not an error (the callback is retried).
 */
export async function removePlatformUser(ctx: AuthContext, u: PlatformUser): Promise<{ removed: boolean }> {
  const { identities, users, refreshTokens } = ctx.collections;
  const email = platformIdentity(u);
  const identity = await identities.findById(email);
  if (!identity || identity.tenantId !== u.tenantId) return { removed: false };
  await users.updateOne(u.tenantId, { id: identity.userId }, { $set: { status: "disabled", updatedAt: nowIso(ctx) } });
  await refreshTokens.updateMany(u.tenantId, { userId: identity.userId }, { $set: { status: "revoked" } });
  await identities.deleteOne({ id: email });
  return { removed: true };
}
